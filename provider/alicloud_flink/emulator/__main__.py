"""``python -m alicloud_flink.emulator``: the same as ``alicloud-flink emulator``."""

from .cli import main

raise SystemExit(main())
