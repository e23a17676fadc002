"""Command-line interface (placeholder until the engine lands)."""


def main() -> int:
    return 0
