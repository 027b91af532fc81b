from reconcile.cli import entry

entry()
