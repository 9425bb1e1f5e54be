"""``python -m targets.faulty NAME [the reference's options]``: the reference with one defect."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from targets.faulty import DEFECTS

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    known = ", ".join(sorted(DEFECTS))
    if not args or args[0].startswith("-"):
        print(f"usage: python -m targets.faulty NAME [--host H] [--port P] [--db URL]"
              f" [--admin-token T] [--lab]\ndefects: {known}", file=sys.stderr)
        return 2
    defect = DEFECTS.get(args[0])
    if defect is None:
        print(f"error: unknown defect {args[0]!r}; defects: {known}", file=sys.stderr)
        return 2
    defect.apply()
    print(f"faulty target {defect.name}: {defect.description}", flush=True)
    from targets.reference.__main__ import main as reference_main

    return reference_main(args[1:])


if __name__ == "__main__":
    sys.exit(main())
