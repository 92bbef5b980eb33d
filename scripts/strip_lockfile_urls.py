"""Remove the "funding" links npm copies into package-lock.json.

The lock file must carry no addresses of any kind (see CONTRIBUTING.md); npm already omits
download addresses (.npmrc), but it still records each package's funding page. Run through
`make npm-lock` after changing package.json.
"""

import json
import sys
from pathlib import Path


def strip(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    for package in data.get("packages", {}).values():
        package.pop("funding", None)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    strip(Path(sys.argv[1] if len(sys.argv) > 1 else "package-lock.json"))
