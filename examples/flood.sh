#!/bin/bash
# A 64-client flood of the costliest request one call may make (eight depth-6 neighbourhoods,
# ≈ 48 000 points) against the release binary, with its RSS and /healthz sampled: the figure
# README's "Limits and security" reports. OFFICE's budget is lifted so the flood reaches the
# server's own limits. Usage: cargo build --release && examples/flood.sh
# (FLOOD_DB=sqlite://… or postgres://… for another database than the demo data).
set -u
BIN=${BIN:-target/release/alliance-hub}
WORK=$(mktemp -d)
mkdir -p $WORK/data
env ${FLOOD_DB:+DATABASE_URL=$FLOOD_DB} HUB_DATA_DIR=$WORK/data HUB_LISTEN=127.0.0.1:8282 HUB_COST_BUDGETS=OFFICE=unlimited LOG_FORMAT=json RUST_LOG=warn $BIN serve > $WORK/server.log 2>&1 &
PID=$!
for i in $(seq 1 100); do curl -s -o /dev/null http://127.0.0.1:8282/healthz && break; sleep 0.2; done
TOKEN=$(HUB_DATA_DIR=$WORK/data $BIN token --role OFFICE 2>/dev/null | tail -1)
UNIT=$(curl -s -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"query":"{ enterprises(first: 1, filter: {isBackbone: {eq: true}}) { nodes { id } } }"}' http://127.0.0.1:8282/graphql | python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["enterprises"]["nodes"][0]["id"])')
Q=$(python3 -c "
import json
u='$UNIT'
walks=' '.join(f'w{i}: chainNeighborhood(organizationId: \"{u}\", maxDepth: 6) {{ nodes {{ depth organization {{ id nameZh }} }} edges {{ depth link {{ id product }} }} }}' for i in range(8))
print(json.dumps({'query': '{ ' + walks + ' }'}))")
echo "$Q" > $WORK/q.json
curl -s -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' --data @$WORK/q.json http://127.0.0.1:8282/graphql | python3 -c 'import json,sys; d=json.load(sys.stdin); print("cost", d.get("extensions"), "errors", d.get("errors"))' | cut -c1-300
: > $WORK/rss; : > $WORK/anon; : > $WORK/health
# RSS, and its anonymous part (heap): SQLite's memory-mapped file pages count in RSS too.
( while kill -0 $PID 2>/dev/null; do ps -o rss= -p $PID >> $WORK/rss; awk '/RssAnon/ {print $2}' /proc/$PID/status >> $WORK/anon 2>/dev/null; sleep 0.25; done ) &
SAMPLER=$!
( for i in $(seq 1 120); do curl -s -o /dev/null -w "%{http_code} %{time_total}\n" --max-time 5 http://127.0.0.1:8282/healthz >> $WORK/health; sleep 0.25; done ) &
HEALTH=$!
START=$(date +%s)
seq 1 640 | xargs -P 64 -I{} curl -s -o /dev/null -w "%{http_code}\n" --max-time 30 -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' --data @$WORK/q.json http://127.0.0.1:8282/graphql > $WORK/codes
END=$(date +%s)
wait $HEALTH
kill $SAMPLER 2>/dev/null
echo "flood took $((END-START)) s"
echo "answers:"; sort $WORK/codes | uniq -c
echo "peak RSS MiB: $(sort -n $WORK/rss | tail -1 | awk '{print $1/1024}'), of which anonymous (heap): $(sort -n $WORK/anon | tail -1 | awk '{print $1/1024}')"
echo "healthz: $(wc -l < $WORK/health) probes, max $(awk '{print $2}' $WORK/health | sort -n | tail -1) s, codes: $(awk '{print $1}' $WORK/health | sort | uniq -c | tr '\n' ' ')"
kill -TERM $PID; wait $PID; echo "server exit $?"
rm -rf $WORK
