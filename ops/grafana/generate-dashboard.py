#!/usr/bin/env python3
"""Writes dashboards/crypto-ai-bot.json (the Grafana dashboard) from the panel list below.

Edit here, run `python3 ops/grafana/generate-dashboard.py`, commit both files. The JSON is what
Grafana loads and what ops/src/dashboard.spec.ts checks (every metric documented, every expression
valid PromQL, datasource uid provisioned, no overlapping panels).
"""
import json
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dashboards", "crypto-ai-bot.json")
DS = {"type": "prometheus", "uid": "cab-prometheus"}
# Every selector is filtered by the bot selector (the `bot` label: BOT_ID, docs/metrics.md) and the instance.
def sel(extra=''):
    return '{bot=~"$bot", instance=~"$instance"%s}' % ((', ' + extra) if extra else '')
S = sel()
FAILED = sel('outcome=~"failed|rejected"')
H5XX = sel('status=~"5.."')
UP = '{job=~"cab-.*", bot=~"$bot", instance=~"$instance"}'
panels = []
pid = [0]; y = [0]; x = [0]
def row(title):
    pid[0] += 1
    panels.append({"type": "row", "id": pid[0], "title": title, "collapsed": False, "gridPos": {"h": 1, "w": 24, "x": 0, "y": y[0]}, "panels": []})
    y[0] += 1
def panel(title, targets, kind="timeseries", unit=None, w=8, h=8, desc="", mappings=None, thresholds=None):
    pid[0] += 1
    p = {"type": kind, "id": pid[0], "title": title, "description": desc, "datasource": DS,
         "gridPos": {"h": h, "w": w, "x": x[0], "y": y[0]},
         "targets": [{"refId": chr(65 + i), "datasource": DS, "expr": e, "legendFormat": l} for i, (e, l) in enumerate(targets)],
         "fieldConfig": {"defaults": {}, "overrides": []}, "options": {}}
    if unit: p["fieldConfig"]["defaults"]["unit"] = unit
    if mappings: p["fieldConfig"]["defaults"]["mappings"] = mappings
    if thresholds: p["fieldConfig"]["defaults"]["thresholds"] = {"mode": "absolute", "steps": thresholds}
    panels.append(p)
    x[0] += w
def endrow(h=8):
    x[0] = 0; y[0] += h
R = "[$__rate_interval]"

row("Equity, PnL and position")
panel("Equity (quote)", [("cab_equity_quote" + S, "{{bot}}")], desc="Account equity valued in quote; a float approximation: the exact figures are in /api/pnl.")
panel("PnL (quote)", [("cab_pnl_realized_quote" + S, "{{bot}} realized {{symbol}}"), ("cab_pnl_unrealized_quote" + S, "{{bot}} unrealized {{symbol}}")])
panel("Position (base)", [("cab_position_base" + S, "{{bot}} {{symbol}}")])
endrow()
panel("Daily loss vs limit (quote)", [("cab_risk_daily_loss_quote" + S, "{{bot}} loss today"), ("cab_risk_daily_loss_limit_quote" + S, "{{bot}} limit")], w=12, desc="Entries stop for the UTC day at the limit; DailyLossNearLimit fires at 80 %.")
panel("Trading state", [("cab_trading_state" + S, "{{bot}}")], kind="stat", w=12,
      mappings=[{"type": "value", "options": {"0": {"text": "active", "color": "green"}, "1": {"text": "reducing", "color": "orange"}, "2": {"text": "halted", "color": "red"}}}])
endrow()
row("Orders, fills and blocked trades")
panel("Orders by outcome (per interval)", [("sum by (bot, outcome) (increase(cab_orders_total" + S + R + "))", "{{bot}} {{outcome}}")])
panel("Fills: trades completed (per interval)", [("sum by (bot, symbol, side) (increase(cab_trades_completed_total" + S + R + "))", "{{bot}} {{side}} {{symbol}}")])
panel("Blocked trades by reason (per interval)", [("sum by (bot, code) (increase(cab_risk_blocked_total" + S + R + "))", "{{bot}} {{code}}")], desc="Risk denials by stable reason code (RISK.COOLDOWN, RISK.DAILY_LOSS …).")
endrow()
panel("Protective exits (per interval)", [("sum by (bot, reason) (increase(cab_exits_total" + S + R + "))", "{{bot}} {{reason}}")], w=12)
panel("Order round trip p50 / p95", [("histogram_quantile(0.5, sum by (bot, le) (rate(cab_order_seconds_bucket" + S + R + ")))", "{{bot}} p50"), ("histogram_quantile(0.95, sum by (bot, le) (rate(cab_order_seconds_bucket" + S + R + ")))", "{{bot}} p95")], unit="s", w=12)
endrow()
row("Loops and latency")
panel("Loop duration p95", [("histogram_quantile(0.95, sum by (bot, loop, le) (rate(cab_loop_seconds_bucket" + S + R + ")))", "{{bot}} {{loop}}")], unit="s")
panel("Age of each loop's last run", [("time() - cab_loop_last_run_timestamp_seconds" + S, "{{bot}} {{loop}}")], unit="s", desc="LoopStalled fires above 120 s.",
      thresholds=[{"color": "green", "value": None}, {"color": "red", "value": 120}])
panel("Age of the last successful reconcile", [("time() - cab_reconcile_last_success_timestamp_seconds" + S, "{{bot}}")], unit="s", desc="ReconcileStale fires above 600 s.",
      thresholds=[{"color": "green", "value": None}, {"color": "red", "value": 600}])
endrow()
row("Errors")
panel("Loop errors / s", [("sum by (bot, loop) (rate(cab_loop_errors_total" + S + R + "))", "{{bot}} {{loop}}")])
panel("Failed and rejected orders (per interval)", [("sum by (bot, outcome) (increase(cab_orders_total" + FAILED + R + "))", "{{bot}} {{outcome}}")])
panel("Reconcile mismatches (per interval)", [("sum by (bot, scope) (increase(cab_reconcile_mismatches_total" + S + R + "))", "{{bot}} {{scope}}")])
endrow()
panel("Dead letter queue", [("cab_dlq_size" + S, "{{bot}} waiting"), ("sum by (bot, topic) (increase(cab_dead_letters_total" + S + R + "))", "{{bot}} new {{topic}}")], desc="DeadLetterQueueGrowing fires while the size grows.")
panel("HTTP 5xx / s", [("sum by (bot, route) (rate(cab_http_requests_total" + H5XX + R + "))", "{{bot}} {{route}}")])
panel("Up, circuit breaker, DMS trips", [("up" + UP, "{{bot}} up"), ("cab_broker_circuit_open" + S, "{{bot}} circuit open"), ("cab_orchestrator_running" + S, "{{bot}} orchestrator running"), ("increase(cab_dms_trips_total" + S + R + ")", "{{bot}} DMS trips")])
endrow()

dash = {
  "uid": "cab-overview", "title": "crypto-ai-bot", "tags": ["crypto-ai-bot"], "timezone": "utc",
  "schemaVersion": 39, "version": 1, "editable": False, "refresh": "30s",
  "time": {"from": "now-6h", "to": "now"},
  # The per-bot selector first: `bot` is a target label in prometheus.yml (so `up` has it too) and
  # the label the bot puts on its own series (BOT_ID); the instances follow the bots chosen.
  "templating": {"list": [{
    "name": "bot", "label": "bot", "type": "query", "datasource": DS,
    "query": {"query": 'label_values(up{job=~"cab-.*"}, bot)', "refId": "bot"},
    "definition": 'label_values(up{job=~"cab-.*"}, bot)',
    "includeAll": True, "multi": True, "allValue": ".*", "refresh": 2, "sort": 1,
    "current": {"selected": True, "text": ["All"], "value": ["$__all"]}}, {
    "name": "instance", "label": "instance", "type": "query", "datasource": DS,
    "query": {"query": 'label_values(up{job=~"cab-.*", bot=~"$bot"}, instance)', "refId": "instance"},
    "definition": 'label_values(up{job=~"cab-.*", bot=~"$bot"}, instance)',
    "includeAll": True, "multi": True, "allValue": ".*", "refresh": 2,
    "current": {"selected": True, "text": ["All"], "value": ["$__all"]}}]},
  "annotations": {"list": []},
  "panels": panels,
}
with open(OUT, "w") as f:
    json.dump(dash, f, indent=2, ensure_ascii=False)
    f.write("\n")
print(len(panels))
