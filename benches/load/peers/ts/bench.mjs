// Load peer: Authlete's TypeScript SDK (@authlete/typescript-sdk 0.0.3-beta)
// calling POST /api/{serviceId}/idtoken/reissue against a local canned server.
//
//   node bench.mjs --url http://127.0.0.1:PORT --concurrency N \
//                  --duration SECONDS --max-calls M
//
// One SDK client, N async loops sharing it; the run stops at the first of
// `duration` and `max-calls` (both always apply). A ~0.5 s warm-up at the
// same concurrency comes first and is not measured. Prints exactly one JSON
// line on stdout.

import { Authlete } from "@authlete/typescript-sdk";
import { createRequire } from "node:module";

const CLIENT = "typescript-sdk";
const SERVICE_ID = "715948317";
const WARMUP_SECONDS = 0.5;
const WARMUP_MAX_CALLS = 50_000;

function usage(msg) {
  process.stderr.write(
    `${msg}\nusage: node bench.mjs --url http://127.0.0.1:PORT ` +
      `--concurrency N --duration SECONDS --max-calls M\n`,
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {};
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i];
    const val = argv[i + 1];
    if (!key.startsWith("--") || val === undefined) usage(`bad argument: ${key}`);
    opts[key.slice(2)] = val;
    i++;
  }
  for (const k of ["url", "concurrency", "duration", "max-calls"]) {
    if (opts[k] === undefined) usage(`missing --${k}`);
  }
  const url = new URL(opts.url);
  // Load only ever goes to this machine.
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
    usage(`refusing non-loopback host: ${url.hostname}`);
  }
  const concurrency = Number.parseInt(opts.concurrency, 10);
  const duration = Number.parseFloat(opts.duration);
  const maxCalls = Number.parseInt(opts["max-calls"], 10);
  if (!(concurrency >= 1)) usage("--concurrency must be >= 1");
  if (!(duration > 0)) usage("--duration must be > 0");
  if (!(maxCalls >= 1)) usage("--max-calls must be >= 1");
  return { url: opts.url.replace(/\/+$/, ""), concurrency, duration, maxCalls };
}

function sdkVersion() {
  try {
    const require = createRequire(import.meta.url);
    return require("@authlete/typescript-sdk/package.json").version;
  } catch {
    return "unknown";
  }
}

// N loops over one client until the deadline or the call budget is spent.
async function run(sdk, concurrency, seconds, maxCalls) {
  const deadline = performance.now() + seconds * 1000;
  let started = 0;
  let calls = 0;
  let errors = 0;
  let firstError = null;

  async function loop() {
    while (started < maxCalls && performance.now() < deadline) {
      started++;
      try {
        const res = await sdk.token.management.reissueIdToken({
          serviceId: SERVICE_ID,
          idtokenReissueRequest: { accessToken: "at", refreshToken: "rt" },
        });
        if (res?.action !== "OK" || typeof res.idToken !== "string") {
          errors++;
          firstError ??= `unexpected answer: ${JSON.stringify(res).slice(0, 200)}`;
        }
      } catch (e) {
        errors++;
        firstError ??= String(e?.stack ?? e).slice(0, 500);
      }
      calls++;
    }
  }

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { calls, errors, elapsed, cpuSeconds: (cpu.user + cpu.system) / 1e6, firstError };
}

async function main() {
  const { url, concurrency, duration, maxCalls } = parseArgs(process.argv.slice(2));

  // The SDK has no per-call timeout by default (timeoutMs -1), and adding one
  // costs a timer per call; bound the whole process instead.
  setTimeout(() => {
    process.stderr.write("watchdog: run did not finish in time\n");
    process.exit(1);
  }, (WARMUP_SECONDS + duration + 30) * 1000).unref();

  const sdk = new Authlete({
    serverURL: url,
    bearer: "dummy-service-access-token",
  });

  const warm = await run(sdk, concurrency, WARMUP_SECONDS, Math.min(maxCalls, WARMUP_MAX_CALLS));
  if (warm.calls > 0 && warm.errors === warm.calls) {
    process.stderr.write(`warm-up: every call failed; first: ${warm.firstError}\n`);
  }

  const r = await run(sdk, concurrency, duration, maxCalls);
  if (r.firstError) process.stderr.write(`first error: ${r.firstError}\n`);

  const out = {
    client: CLIENT,
    version: sdkVersion(),
    concurrency,
    calls: r.calls,
    errors: r.errors,
    seconds: Number(r.elapsed.toFixed(4)),
    calls_per_sec: Number((r.calls / r.elapsed).toFixed(1)),
    cpu_seconds: Number(r.cpuSeconds.toFixed(4)),
    cpu_us_per_call: r.calls > 0 ? Number(((r.cpuSeconds * 1e6) / r.calls).toFixed(2)) : null,
  };
  process.stdout.write(JSON.stringify(out) + "\n");
  // Exit 1 when nothing succeeded, so a runner notices a dead server.
  process.exitCode = r.calls === 0 || r.errors === r.calls ? 1 : 0;
}

main().catch((e) => {
  process.stderr.write(`${e?.stack ?? e}\n`);
  process.exit(1);
});
