"""`make mutate`, after `mutmut run`: the score, then each mutant the unit tests missed.

A mutant that survives is a wrong rule that every unit test passes: add the table row
that states the rule it breaks, or, where it cannot change behaviour, say why in a
comment at that spot (`# pragma: no mutate (why)` keeps mutmut from making it again).
Exits 1 when any mutant survived or had no test.
"""
import json
import subprocess
import sys
from pathlib import Path

MUTMUT = str(Path(sys.executable).with_name("mutmut"))
MISSED = ("survived", "no tests")


def main() -> int:
    subprocess.run([MUTMUT, "export-cicd-stats"], check=True, stdout=subprocess.DEVNULL)
    stats = json.loads(Path("mutants/mutmut-cicd-stats.json").read_text())
    tested = stats["total"] - stats["skipped"]
    killed = stats["killed"] + stats["timeout"]
    score = 100 * killed / tested if tested else 0.0
    print(f"\nMutation score: {score:.1f}% ({killed} of {tested} mutants of app/domain killed; "
          f"{stats['survived']} survived, {stats['no_tests']} with no test)")
    results = subprocess.run([MUTMUT, "results"], check=True, capture_output=True, text=True)
    missed = [line.strip() for line in results.stdout.splitlines()
              if line.strip().endswith(MISSED)]
    for line in missed:  # each as "# name: survived" and its diff
        name = line.rpartition(":")[0]
        shown = subprocess.run([MUTMUT, "show", name], check=True, capture_output=True, text=True)
        print(f"\n{shown.stdout.rstrip()}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
