"""The shape of the command line: one module per subcommand, and no import cycle in reader/."""

from __future__ import annotations

from pathlib import Path

import grimp

import reader.cli
from reader.cli import COMMANDS, SUBCOMMANDS

CLI = Path(reader.cli.__file__).parent
NOT_SUBCOMMANDS = {"__init__", "arguments", "loading", "tui"}  # shared parts and the reader


def test_no_module_of_reader_imports_one_that_imports_it_back() -> None:
    # Function-level imports count too: a cycle hidden in a function is still a cycle.
    graph = grimp.build_graph("reader")
    cycles = sorted(
        (importer, imported)
        for importer in graph.modules
        for imported in graph.find_modules_directly_imported_by(importer)
        if graph.chain_exists(importer=imported, imported=importer)
    )
    assert cycles == []


def test_every_subcommand_module_is_listed_once_with_its_parser_and_runner() -> None:
    modules = {path.stem for path in CLI.glob("*.py")} - NOT_SUBCOMMANDS
    assert {command.__name__.rpartition(".")[2] for command in SUBCOMMANDS} == modules
    for command in SUBCOMMANDS:
        assert command.__name__.rpartition(".")[2].rstrip("_") == command.NAME
        assert callable(command.add_parser) and callable(command.run)
    assert len(set(COMMANDS)) == len(COMMANDS)


def test_the_help_names_every_subcommand() -> None:
    from reader.cli import tui

    listed = tui.EXAMPLES.split("commands:\n", 1)[1].split("\n\n", 1)[0]
    assert sorted(line.split()[0] for line in listed.splitlines()) == sorted(COMMANDS)
