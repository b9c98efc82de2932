#!/usr/bin/env bash
# The five-minute tour of the README, runnable: `bash docs/tour.sh` from the repository
# root, with eightd on PATH (`source .venv/bin/activate`), on a fresh store (set
# EIGHTD_HOME to an empty directory, or EIGHTD_DATABASE_URL). Every time it records is
# given with --at, so it works the same on any day. tests/integration/test_tour.py runs
# it, and checks that the README's tour block is exactly the lines between the markers.
set -euo pipefail
# tour:begin
eightd demo --today 2026-11-20                  # 19 demo cases around 20 Nov 2026: eyewear retail,
                                                # automotive electronics, appliances, food packaging
eightd list --status open                       # the ledger (跟踪台账), filterable
eightd --lang zh list --stage D5                # the same in Chinese
eightd show 202611-0003                         # one case, stage by stage
eightd history 202611-0003                      # who changed what, when (audit log)
eightd new docs/intake-example.json --at 2026-11-20T09:00+08:00   # open a complaint: 202611-0010
eightd validity 202611-0010 founded --note "Loose hinge screws confirmed" --at 2026-11-20T09:30+08:00
eightd grade 202611-0010 --at 2026-11-20T09:40+08:00               # accept the suggested grade
eightd contact 202611-0010 --summary "8D started" --next-reply 2026-11-23T10:00+08:00 \
  --at 2026-11-20T10:00+08:00                   # log the call and the reply promised
eightd show 202611-0010 --json > case.json      # edit the JSON, then save it back:
eightd update case.json --at 2026-11-20T10:30+08:00   # refused if someone saved in between
eightd advance 202610-0006 --at 2026-11-20T11:00+08:00   # D7 -> D8 (a gate not met: refused, listing it)
eightd lint 202610-0006 --at 2026-11-20T11:00+08:00      # 8D review: a score and findings by stage
eightd overdue --at 2026-11-20T12:00+08:00      # overdue or due within a day
eightd approve 202610-0006 --meaning "8D report approved" --at 2026-11-20T14:00+08:00
eightd callback 202610-0006 --outcome satisfied --at 2026-11-20T15:00+08:00
eightd close 202610-0006 --kind normal --at 2026-11-20T16:00+08:00   # after the call-back
eightd export -o cases.json                     # complete cases, for backup or transfer
eightd import cases.json                        # the same store: every case skipped, and counted
eightd import cases.json --dry-run              # what an import would do, saving nothing
eightd schema > case-schema.json                # the JSON Schema of a case
# tour:end
