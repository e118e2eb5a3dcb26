"""Compares the session recorded in the guest with the scenario's truth.

The session's clock starts when the daemon did, the truth's when the trace
did, so holds are compared by duration, mean force and the spacing between
them. Arguments: session, truth, removed|kept, the daemon's log, the libgpiod
generation it must have used. Prints 'hil: N passed, N failed'."""
import json, sys

session = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
truth = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
holds = [r for r in session if r.get("type") == "hold"]
want = [r for r in truth if r.get("type") == "hold"]
summary = next((r for r in session if r.get("type") == "summary"), None)
checks = []

def check(name, ok, detail=""):
    checks.append(ok)
    print(("ok   " if ok else "FAIL ") + name + (f" ({detail})" if detail else ""))

check("session recorded with a header", bool(session) and session[0].get("type") == "session")
log = open(sys.argv[4]).read().splitlines() if len(sys.argv) > 4 else []
if len(sys.argv) > 5:
    said = next((l for l in log if "through libgpiod" in l), "the daemon did not say")
    check(f"the daemon waited on the line through libgpiod {sys.argv[5]}.x", f"through libgpiod {sys.argv[5]}.x" in said, said)
check("hold count", len(holds) == len(want), f"{len(holds)} vs {len(want)}")
for i, (got, exp) in enumerate(zip(holds, want)):
    check(f"hold {i + 1} time", abs(got["hold_s"] - exp["hold_s"]) <= 0.1, f"{got['hold_s']} vs {exp['hold_s']}")
    check(f"hold {i + 1} mean force", abs(got["mean_n"] - exp["mean_n"]) <= 0.02 * exp["mean_n"],
          f"{got['mean_n']} vs {exp['mean_n']}")
    check(f"hold {i + 1} point (sent over the socket)", got.get("point") == exp.get("point"), f"{got.get('point')} vs {exp.get('point')}")
if len(holds) == len(want) == 2:
    check("spacing between holds", abs((holds[1]["start_s"] - holds[0]["start_s"]) - (want[1]["start_s"] - want[0]["start_s"])) <= 0.1)
acq = (summary or {}).get("acquisition", {})
check("clean end with a summary", summary is not None)
removed = len(sys.argv) > 3 and sys.argv[3] == "removed"
if removed:
    check("the removed chip was recovered", acq.get("recoveries", 0) >= 1, json.dumps(acq))
    # The stub was away for at least the second between rmmod and insmod.
    missing = [r.get("missing_s", 0) for r in session if r.get("type") == "gap"]
    check("the gap was recorded", acq.get("gaps", 0) >= 1 and any(1.0 <= m < 5.0 for m in missing), f"missing_s {missing}")
    # (Under TCG a busy host also shows as gaps of some milliseconds; only the fault's is checked.)
    fault = [(r["t_s"] - r["missing_s"], r["t_s"]) for r in session if r.get("type") == "gap" and r.get("missing_s", 0) >= 1.0]
    # The data-ready chip went too: the daemon must have requested the line again, on the new gpiochip.
    restart = max((i for i, l in enumerate(log) if "started at" in l), default=0)
    lost = [l for l in log if "wait for edge failed" in l]
    back = [l for l in log[restart:] if "edges again" in l]
    check("the data-ready line was lost and requested again", bool(lost) and bool(back), (back or lost or ["no log"])[0])
    check("the fault fell between the holds", all(e <= h["start_s"] or s >= h["end_s"] for s, e in fault for h in holds),
          f"fault {fault}")
else:
    check("the chip was removed mid-session (see the HIL: lines for why not)", False)
check("samples arrived through the kernel", acq.get("samples", 0) > 250 * 20, f"{acq.get('samples')} samples")
failed = checks.count(False)
print(f"hil: {len(checks) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
