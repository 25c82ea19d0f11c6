"""memkit from a Python component: parse a person, swap-case the name, wrap the JSON in a
CRC-32C binary record. Every step is a call into memkit (imported through WIT); this file only
strings them together. Built by `cargo xtask compose` with componentize-py."""

import wit_world
from componentize_py_types import Err
from wit_world import Badge
from wit_world.imports import people, records, text
from wit_world.imports.people import JsonError_OutOfMemory
from wit_world.imports.types import Error_OutOfMemory


class WitWorld(wit_world.WitWorld):
    def make_badge(self, json: str) -> Badge:
        # A document that is not a person (or a full heap) raises Err(JsonError) here: it
        # passes through as this function's own error, unchanged.
        person = people.person_from_json(json)
        try:
            document = people.person_to_json(person)
            with records.BinaryRecord(records.ChecksumKind.CRC32C) as record:
                record.set_payload(document.encode())
                return Badge(
                    shout=text.swap_case(person.name),
                    json=document,
                    record=record.serialize(),
                    checksum=record.checksum(),
                )
        except Err as err:
            # memkit ran out of memory: report it in this function's error type, which has
            # a case for it.
            if isinstance(err.value, Error_OutOfMemory):
                raise Err(JsonError_OutOfMemory(err.value.value))
            raise
