"""reconcile: 政务新媒体备案核查 — reconcile the national registry, the provincial platform
and a crawl of the platforms, and report what the quarterly 通报 must name."""

__version__ = "0.1.0"
