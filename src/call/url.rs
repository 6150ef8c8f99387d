//! Operations' URLs: path parameters percent-encoded straight into the
//! path, and the path set on the base URL the client parsed once.

/// A path parameter as the generated code writes it into a URL (rule
/// `unallocated_path_segments`): percent-encoded exactly as progenitor's
/// `encode_path`, written straight into the URL instead of through two
/// temporary strings.
#[doc(hidden)]
pub struct PathSegment<'a, T: ?Sized>(pub &'a T);

/// progenitor-client's `PATH_SET`: what a path segment must not contain.
const PATH_SET: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%');

impl<T: std::fmt::Display + ?Sized> std::fmt::Display for PathSegment<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Each piece the value writes is encoded as it comes; the encoding
        // is byte by byte, so the pieces' boundaries do not matter.
        struct Encode<'a, 'b>(&'a mut std::fmt::Formatter<'b>);
        impl std::fmt::Write for Encode<'_, '_> {
            fn write_str(&mut self, s: &str) -> std::fmt::Result {
                percent_encoding::utf8_percent_encode(s, PATH_SET).try_for_each(|chunk| self.0.write_str(chunk))
            }
        }
        std::fmt::Write::write_fmt(&mut Encode(f), format_args!("{}", self.0))
    }
}

/// An operation's URL (rule `urls_from_the_parsed_base`): the client's base
/// URL, parsed once when it was built, with `path` (which starts with `/`)
/// after the base's own path. The same URL as parsing the base and the path
/// written out together, without parsing the scheme and host every time.
pub(crate) fn url(client: &crate::generated::Client, path: std::fmt::Arguments<'_>) -> url::Url {
    let base = &client.inner.base;
    let prefix = base.path().trim_end_matches('/');
    let mut full = String::with_capacity(prefix.len() + 96);
    full.push_str(prefix);
    // Writing into a `String` cannot fail.
    let _ = std::fmt::Write::write_fmt(&mut full, path);
    let mut url = base.clone();
    url.set_path(&full);
    url
}

#[cfg(test)]
mod tests {
    use super::PathSegment;

    #[test]
    fn path_segments_encode_as_progenitor_does() {
        for raw in ["715948317", "a b/c%d?e#f", "ünï{c}ode`<>\"", "", "x\u{7f}\n", "ok-._~!$&'()*+,;=:@"] {
            assert_eq!(PathSegment(raw).to_string(), progenitor_client::encode_path(raw), "{raw:?}");
        }
        assert_eq!(PathSegment(&42i64).to_string(), "42");
    }

    /// What the URL was before rule `urls_from_the_parsed_base`: the base
    /// and the path written out together, and all of it parsed.
    fn parsed_whole(client: &crate::generated::Client, path: &str) -> url::Url {
        url::Url::parse(&format!("{}{path}", client.baseurl)).unwrap()
    }

    const BASES: [&str; 7] = [
        "http://127.0.0.1:8080",
        "https://Example.COM:443/",
        "https://h.example/prefix",
        "https://h.example/a%20b/",
        "http://[::1]:9/p/../q",
        "https://bücher.example/x/",
        "https://h.example//",
    ];

    #[test]
    fn urls_are_the_ones_parsing_the_whole_string_gives() {
        let params = ["a b/c", "..", ".", "%2F", "?#", "ü", "x\ty", "{id}", "a.b-c_d~e", "", "\\x"];
        for base in BASES {
            let authlete = crate::Authlete::builder().base_url(base).build().unwrap();
            let client = authlete.raw();
            for p in params {
                let ours = super::url(client, format_args!("/api/{}/x", PathSegment(p)));
                let whole = parsed_whole(client, &format!("/api/{}/x", PathSegment(p)));
                assert_eq!(ours.as_str(), whole.as_str(), "base {base:?}, parameter {p:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_path_parameter_gives_the_url_parsing_would(base in 0..BASES.len(), p in ".*") {
            let authlete = crate::Authlete::builder().base_url(BASES[base]).build().unwrap();
            let client = authlete.raw();
            let ours = super::url(client, format_args!("/api/{}/x/{}", PathSegment(&p), PathSegment(&p)));
            let whole = parsed_whole(client, &format!("/api/{}/x/{}", PathSegment(&p), PathSegment(&p)));
            proptest::prop_assert_eq!(ours.as_str(), whole.as_str());
        }
    }
}
