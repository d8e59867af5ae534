"""Check your rnn_student.py on the sample cases before you submit.

    python3 self_check.py            (in the folder that holds rnn_student.py and this kit)

Runs runner.py on sample_cases.json (the sample cases of every problem you can see; never the
graded cases), then compares your answers with the expected values in sample_check.json,
exactly as the grader compares: a value passes when
    |answer - expected| <= atol + rtol * |expected|
with each problem's rtol and atol. For every problem and checked tensor it prints PASS or
FAIL, the worst element (case, index, expected, yours) and the tolerance there; where your
answers are what a well-known mistake gives, it prints the hint the grader would show.
Exit code 0 when every sample passes, 1 when some do not, 2 when the kit's files are missing.

Only json and numpy are used. Passing the samples is a good sign, not a grade: the graded
cases are other cases of the same kinds, and some problems have no samples at all.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

KIT = os.path.dirname(os.path.abspath(__file__))
CHECK_FORMAT = "rnn-reference/self-check@1"
# Wrong values that are all within this relative distance of the expected ones are what float32
# arithmetic gives (about 7 significant digits); float64 code agrees to about 1e-15.
FLOAT32_LIKE = 1e-5
FLOAT32_HINT = ("every wrong value is within a relative 1e-5 of the expected one: about 7 correct digits, which is what "
                "float32 arithmetic gives. The assignment asks for float64 (its tolerance, rtol 1e-8, is out of float32's "
                "reach): keep every array float64 (no astype(np.float32), no dtype=np.float32).")


def load_array(a):
    return np.array([float(v) for v in a["data"]], dtype=np.float64).reshape(a["shape"])


def tensors(part):
    return {name: load_array(a) for name, a in (part or {}).items()}


def ratio(got, want, rtol, atol):
    """Per element |got - want| / (atol + rtol * |want|); inf where a non-finite value differs."""
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        allowed = atol + rtol * np.abs(want)
        r = np.abs(got - want) / np.where(allowed > 0, allowed, np.inf)
        same = (got == want) | (np.isnan(got) & np.isnan(want))
        r = np.where(same, 0.0, r)
        r = np.where(np.isfinite(got) & np.isfinite(want) | same, r, np.inf)
    return np.nan_to_num(r, nan=np.inf)


def close(got, want, rtol, atol):
    return got.shape == want.shape and bool(np.all(ratio(got, want, rtol, atol) <= 1.0))


def compare(got, want, rtol, atol):
    """None when it passes; else (worst ratio, text)."""
    if got is None:
        return np.inf, "missing from your answer"
    if got.shape != want.shape:
        return np.inf, f"shape {list(got.shape)}, but {list(want.shape)} was expected"
    r = ratio(got, want, rtol, atol)
    if np.all(r <= 1.0):
        return None
    flat = int(np.argmax(r))
    index = list(np.unravel_index(flat, want.shape)) if want.ndim else []
    e, g = float(want.reshape(-1)[flat]), float(got.reshape(-1)[flat])
    outside = int(np.sum(r > 1.0))
    return float(r.reshape(-1)[flat]), (
        f"{outside} of {want.size} outside the tolerance; worst at {[int(i) for i in index]}: expected {e!r}, "
        f"yours {g!r} (|difference| {abs(g - e):.3g} > atol + rtol * |expected| = {atol + rtol * abs(e):.3g})")


def explains(form, expected, answer, failed, rtol, atol):
    """The grader's rule (Spec/diagnosis.md): a forward mistake shows in the outputs, a backward one in the failed gradients."""
    changes_outputs, outputs_agree = False, True
    for name, given in answer["outputs"].items():
        m, e = form["outputs"].get(name), expected["outputs"].get(name)
        if m is None or e is None:
            continue
        if not close(m, e, rtol, atol):
            changes_outputs = True
        if not close(given, m, rtol, atol):
            outputs_agree = False
    if changes_outputs:
        return outputs_agree
    changes = False
    for part, name in failed:
        m = form["grads"].get(name)
        if part != "grads" or m is None or not close(answer["grads"][name], m, rtol, atol):
            return False
        if not close(m, expected["grads"][name], rtol, atol):
            changes = True
    return changes


def agreement(form, answer, rtol, atol):
    return sum(1 for part in ("outputs", "grads") for name, given in answer[part].items()
               if name in form[part] and close(given, form[part][name], rtol, atol))


def diagnose(case, answer, failed, rtol, atol):
    """(mistake ids that explain the answer equally well), or () when none does."""
    expected = case["expected"]
    evidence = [(part, name) for part, name in failed
                if name in answer[part] and answer[part][name].shape == expected[part][name].shape]
    if not evidence:
        return ()
    scored = []
    for mistake in case["mistakes"]:
        best = None
        for form in mistake["forms"]:
            if explains(form, expected, answer, evidence, rtol, atol):
                a = agreement(form, answer, rtol, atol)
                best = a if best is None else max(best, a)
        if best is not None:
            scored.append((best, mistake["id"]))
    if not scored:
        return ()
    top = max(a for a, _ in scored)
    return tuple(m for a, m in scored if a == top)


def run_runner(cases_path, answers_path, student_dir):
    """runner.py on the sample cases, with rnn_student.py from student_dir; returns its exit code and error output."""
    # a copy of runner.py beside the answers, so that rnn_student.py is found in student_dir
    # (runner.py puts its own folder first on the import path)
    runner = os.path.join(os.path.dirname(answers_path), "runner.py")
    with open(os.path.join(KIT, "runner.py")) as src, open(runner, "w") as dst:
        dst.write(src.read())
    env = dict(os.environ)
    env["PYTHONPATH"] = student_dir + os.pathsep + env.get("PYTHONPATH", "")
    p = subprocess.run([sys.executable, runner, cases_path, answers_path],
                       cwd=student_dir, env=env, capture_output=True, text=True)
    return p.returncode, p.stderr


def distinct_tracebacks(errors):
    """The error output with each traceback once (every case usually raises the same one)."""
    blocks, seen = [], set()
    for block in errors.split("Traceback (most recent call last):"):
        block = block.strip()
        if block and block not in seen:
            seen.add(block)
            blocks.append(block)
    return blocks


def main(argv):
    student_dir = os.path.abspath(argv[1]) if len(argv) > 1 else os.getcwd()
    if not os.path.isfile(os.path.join(student_dir, "rnn_student.py")):
        student_dir = KIT
    cases_path, check_path = os.path.join(KIT, "sample_cases.json"), os.path.join(KIT, "sample_check.json")
    for path in (cases_path, check_path, os.path.join(student_dir, "rnn_student.py")):
        if not os.path.isfile(path):
            print(f"self_check: {path} is missing (it comes with the student kit)", file=sys.stderr)
            return 2
    with open(check_path) as f:
        check = json.load(f)
    if check.get("format") != CHECK_FORMAT:
        print(f"self_check: {check_path}: format must be {CHECK_FORMAT!r}", file=sys.stderr)
        return 2

    print(f"Checking {os.path.join(student_dir, 'rnn_student.py')} on the sample cases of {check['assignment']}")
    with tempfile.TemporaryDirectory() as tmp:
        answers_path = os.path.join(tmp, "answers.json")
        code, errors = run_runner(cases_path, answers_path, student_dir)
        with open(answers_path) as f:
            answers = {r["id"]: r for r in json.load(f)["results"]}
    blocks = distinct_tracebacks(errors)
    if blocks:
        # said once, at the top: a syntax error or an exception is usually the same for every case
        print(f"\nYour code raised {len(blocks)} different error{'s' if len(blocks) > 1 else ''}"
              + (" (the first 3 shown)" if len(blocks) > 3 else "") + ":")
        for block in blocks[:3]:
            print("    Traceback (most recent call last):" if "\n" in block else "", end="\n" if "\n" in block else "")
            print("\n".join("    " + line for line in block.splitlines()[-30:]))

    failed_problems = 0
    for problem in check["problems"]:
        rtol, atol = problem["rtol"], problem["atol"]
        names = [("outputs", n) for n in problem["outputs"]] + [("grads", n) for n in problem["grads"]]
        worst = {}       # (part, name) -> (ratio, case id, text)
        passed = {key: 0 for key in names}
        counted = {key: 0 for key in names}
        hints, errors_seen = {}, {}
        relative = {key: 0.0 for key in names}   # largest |answer - expected| / max(|expected|, 1e-3) of a failed tensor
        for case in problem["cases"]:
            expected = {part: tensors(case["expected"][part]) for part in ("outputs", "grads")}
            case = dict(case, expected=expected,
                        mistakes=[{"id": m["id"], "forms": [{p: tensors(f[p]) for p in ("outputs", "grads")} for f in m["forms"]]}
                                  for m in case["mistakes"]])
            result = answers.get(case["id"])
            answer = None
            if result is not None and "error" not in result:
                answer = {part: tensors(result.get(part)) for part in ("outputs", "grads")}
            elif result is not None:
                errors_seen.setdefault(result["error"], []).append(case["id"])
            failed = []
            for key in names:
                part, name = key
                if name not in expected[part]:
                    continue
                counted[key] += 1
                if answer is None:
                    verdict = (np.inf, "no answer: your code raised an error" if result is not None else "no answer")
                else:
                    verdict = compare(answer[part].get(name), expected[part][name], rtol, atol)
                if verdict is None:
                    passed[key] += 1
                    continue
                failed.append(key)
                got = answer[part].get(name) if answer is not None else None
                if got is not None and got.shape == expected[part][name].shape:
                    with np.errstate(invalid="ignore", over="ignore"):
                        rel = np.abs(got - expected[part][name]) / np.maximum(np.abs(expected[part][name]), 1e-3)
                    relative[key] = max(relative[key], float(np.nan_to_num(np.max(rel), nan=np.inf)) if rel.size else 0.0)
                else:
                    relative[key] = np.inf
                if key not in worst or verdict[0] > worst[key][0]:
                    worst[key] = (verdict[0], case["id"], verdict[1])
            if failed and answer is not None:
                found = diagnose(case, answer, failed, rtol, atol)
                if found:
                    hints.setdefault(found, []).append(case["id"])

        if worst and not hints and all(w[0] != np.inf for w in worst.values()) and all(
                relative[key] < FLOAT32_LIKE for key in worst):
            hints[("float32",)] = sorted({w[1] for w in worst.values()})
        ok = all(passed[k] == counted[k] for k in names)
        failed_problems += 0 if ok else 1
        print(f"\n{'PASS' if ok else 'FAIL'}  {problem['name']}: {problem['title']}")
        print(f"      tolerance: |answer - expected| <= {atol:g} + {rtol:g} * |expected|")
        for key in names:
            part, name = key
            if counted[key] == 0:
                continue
            line = f"      {'pass' if passed[key] == counted[key] else 'FAIL'}  {part}.{name}: {passed[key]} of {counted[key]} cases"
            if key in worst and worst[key][2] != "no answer: your code raised an error":
                line += f"; worst on {worst[key][1]}: {worst[key][2]}"
            print(line)
        for error, ids in errors_seen.items():
            print(f"      your code raised on {', '.join(ids)}: {error}")
        for found, ids in hints.items():
            if found == ("float32",):
                print(f"      hint ({', '.join(ids)}): {FLOAT32_HINT}")
            elif len(found) == 1:
                print(f"      hint ({', '.join(ids)}): {check['hints'][found[0]]}")
            else:
                print(f"      hint ({', '.join(ids)}): your answers match several known mistakes that these cases "
                      f"cannot tell apart: {', '.join(found)}")
                for m in found:
                    print(f"        - {m}: {check['hints'][m]}")

    if check.get("not_sampled"):
        shown = {"hidden": "hidden: its result is never shown to you, but it counts", "after_due_date": "shown after the due date",
                 "after_published": "shown once grades are published"}
        print("\nNo samples (these are graded too, on cases you do not see):")
        for p in check["not_sampled"]:
            print(f"      {p['name']}: {p['title']} ({shown.get(p['visibility'], p['visibility'])})")
        print("      Check their backward functions with central differences (see README.md).")

    total = len(check["problems"])
    print(f"\n{total - failed_problems} of {total} problems pass on the sample cases.")
    return 0 if failed_problems == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
