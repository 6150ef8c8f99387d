//! The client-authentication fields every client-facing endpoint passes to
//! Authlete (`/pushed_auth_req`, `/auth/revocation`, ...), by wire name, so
//! that they are sent whatever revision of the spec the crate is built from.

use std::future::Future;

use serde_json::{Map, Value};

use crate::{ClientRequest, Error};
use authlete::answer::AuthleteAnswer;
use authlete::EndpointResponse;

/// What a client request carries besides its form parameters.
pub(crate) struct ClientAuth {
    /// The form body.
    pub parameters: String,
    /// `clientId`, `clientSecret`, `dpop`, `htm`, `htu`, certificates and
    /// attestation, by wire name.
    pub fields: Map<String, Value>,
    /// The client tried HTTP Basic.
    pub used_basic: bool,
    /// ... and its credentials could not be read.
    pub unreadable_basic: bool,
}

pub(crate) fn client_auth(input: ClientRequest) -> ClientAuth {
    let used_basic = input.uses_basic();
    let basic = input.basic_credentials();
    let mut fields = Map::new();
    let mut put = |k: &str, v: Option<String>| {
        if let Some(v) = v {
            fields.insert(k.into(), Value::String(v));
        }
    };
    let (id, secret) = basic.clone().map_or((None, None), |(i, s)| (Some(i), Some(s)));
    put("clientId", id);
    put("clientSecret", secret);
    put("dpop", input.dpop);
    put("htm", input.htm.filter(|_| input.htu.is_some()));
    put("htu", input.htu);
    put("clientCertificate", input.client_certificate);
    put("oauthClientAttestation", input.client_attestation);
    put("oauthClientAttestationPop", input.client_attestation_pop);
    if !input.client_certificate_path.is_empty() {
        fields.insert("clientCertificatePath".into(), input.client_certificate_path.into());
    }
    ClientAuth { parameters: input.body, fields, used_basic, unreadable_basic: used_basic && basic.is_none() }
}

/// One client request to an endpoint: unreadable Basic credentials are
/// answered here (401 with a challenge, Authlete not called); otherwise
/// `call` sends the form parameters and the client's fields to the endpoint's
/// Authlete API, and the answer becomes the response.
pub(crate) async fn client_request<A, F, Fut>(input: ClientRequest, call: F) -> Result<EndpointResponse, Error>
where
    A: AuthleteAnswer,
    F: FnOnce(String, Map<String, Value>) -> Fut,
    Fut: Future<Output = Result<A, Error>>,
{
    let auth = client_auth(input);
    if auth.unreadable_basic {
        return Ok(EndpointResponse::invalid_client_basic());
    }
    let answer = call(auth.parameters, auth.fields).await?;
    Ok(answer.next_after_client_auth(auth.used_basic).or_server_error())
}

/// The `handle` of an endpoint that only forwards a client's request to one
/// Authlete operation (`parameters` and the client's fields) and answers
/// with what Authlete says: [`client_request`] over `$operation`.
macro_rules! forward_client_request {
    ($endpoint:ident, $input:ident, $operation:ident) => {
        $crate::endpoints::client_auth::client_request($input, |parameters, fields| async move {
            Ok($endpoint
                .client
                .$operation()
                .body_map(move |b| b.parameters(parameters).extra(fields))
                .send()
                .await?
                .into_inner())
        })
        .await
    };
}
pub(crate) use forward_client_request;
