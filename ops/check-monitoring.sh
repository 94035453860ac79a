#!/usr/bin/env bash
# Checks ops/prometheus.yml and ops/grafana-dashboard.json against a real Prometheus without
# Docker: starts the built service (dist/, `npm run build` first) on a private key prefix, runs
# Prometheus with ops/prometheus.yml (target rewritten to the local service, 1 s scrapes), sends a
# little traffic, then evaluates every dashboard query through Prometheus' HTTP API.
# Needs `prometheus` and `promtool` (Debian: apt-get install prometheus) and a Redis at REDIS_URL.
# Prints `up`, then each query that Prometheus rejects; exits 1 if any is rejected.
set -euo pipefail
cd "$(dirname "$0")/.."

SERVICE_PORT=${SERVICE_PORT:-3917}
PROM_PORT=${PROM_PORT:-9391}
PREFIX="monitoring_check_$$"
WORK=$(mktemp -d)

promtool check config ops/prometheus.yml

RANKFEED_PREFIX=$PREFIX PORT=$SERVICE_PORT HOST=127.0.0.1 LOG_LEVEL=warn \
  RANKFEED_EMBEDDED_REDIS=never node dist/main.js >"$WORK/service.log" 2>&1 &
SERVICE=$!
sed "s/rankfeed:3000/127.0.0.1:$SERVICE_PORT/; s/scrape_interval: 15s/scrape_interval: 1s/" \
  ops/prometheus.yml >"$WORK/prometheus.yml"
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/data" \
  --web.listen-address="127.0.0.1:$PROM_PORT" >"$WORK/prometheus.log" 2>&1 &
PROM=$!
cleanup() {
  kill "$SERVICE" "$PROM" 2>/dev/null || true
  wait "$SERVICE" "$PROM" 2>/dev/null || true
  node -e "
    const Redis = require('ioredis');
    const r = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    (async () => {
      const s = r.scanStream({ match: '$PREFIX:*', count: 1000 });
      for await (const keys of s) if (keys.length) await r.del(...keys);
      r.disconnect();
    })();" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

base="http://127.0.0.1:$SERVICE_PORT"
for _ in $(seq 1 60); do curl -sf "$base/health/ready" >/dev/null && break; sleep 0.5; done
curl -sf -XPUT "$base/v1/boards/check" -H 'content-type: application/json' -d '{}' >/dev/null
for i in $(seq 1 20); do
  curl -sf -XPOST "$base/v1/boards/check/scores" -H 'content-type: application/json' \
    -d "{\"playerId\":\"p$i\",\"score\":$i}" >/dev/null
  curl -sf "$base/v1/boards/check/top" >/dev/null
done
sleep 8

PROM_URL="http://127.0.0.1:$PROM_PORT" node -e "
  const { readFileSync } = require('node:fs');
  const query = async (q) => {
    const res = await fetch(process.env.PROM_URL + '/api/v1/query?query=' + encodeURIComponent(q));
    return { ok: res.ok, body: await res.json() };
  };
  (async () => {
    const up = await query('up{job=\"rankfeed\"}');
    console.log('up:', up.body.data.result.map((r) => r.value[1]).join(',') || 'no target');
    const dashboard = JSON.parse(readFileSync('ops/grafana-dashboard.json', 'utf8'));
    let n = 0, rejected = 0, empty = 0;
    for (const panel of dashboard.panels)
      for (const t of panel.targets) {
        n += 1;
        const q = t.expr.replaceAll('\$__rate_interval', '1m').replaceAll('\$job', '.*');
        const r = await query(q);
        if (!r.ok) { rejected += 1; console.log('REJECTED', panel.title, q, r.body.error); }
        else if (r.body.data.result.length === 0) empty += 1;
      }
    console.log(n + ' dashboard queries evaluated, ' + rejected + ' rejected, ' + empty +
      ' without data yet (no live, feed or error traffic was sent)');
    process.exitCode = rejected > 0 || up.body.data.result.length === 0 ? 1 : 0;
  })();"
