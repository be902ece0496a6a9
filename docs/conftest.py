"""pytest runs the code blocks of these pages as doctests; the build scripts here are not tests."""

collect_ignore_glob = ["*.py", "_ext/*", "_inventories/*", "_generated/*", "_build/*", "node_modules/*"]
