"""memkit from Python through wasmtime-py (the PyPI package `wasmtime`, pinned in
examples/requirements.txt): thin, typed wrappers over the exports of memkit's component
(`Memkit`: bytes, records, chunks, checksums, memory) and of the article's (`Article`: people).

wasmtime-py converts `list<u8>` element by element (about a microsecond a byte), so keep the
payloads that cross here small: kilobytes, not megabytes. For bulk data, use memkit from a
Rust or JS host, or compose it with a component that does the bulk work inside wasm.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import wasmtime
import wasmtime.component as wc

class MemkitError(Exception):
    """A typed error from memkit: `tag` is the WIT case (`out-of-bounds`, `checksum-mismatch`,
    ...) and `value` its payload (a record's fields as a dict, or a number)."""

    def __init__(self, tag: str, value: Any):
        super().__init__(f"{tag}: {value}")
        self.tag = tag
        self.value = value


@dataclass
class InvalidDocument(Exception):
    """memkit's `people.json-error` case `invalid`: a document that is not the record asked
    for. (Its other case, `out-of-memory`, is raised as a `MemkitError` like every other.)"""

    message: str
    line: int
    column: int


def _fields(value: Any) -> Any:
    """A wasmtime-py record as a dict (nested records and lists too); others unchanged."""
    if isinstance(value, wc.Record):
        return {name: _fields(field) for name, field in vars(value).items()}
    if isinstance(value, list):
        return [_fields(item) for item in value]
    return value


def _typed_error(error: Any) -> MemkitError:
    return MemkitError(error.tag, _fields(error.payload))


def _record(**fields: Any) -> wc.Record:
    record = wc.Record()
    for name, value in fields.items():
        setattr(record, name.replace("_", "-"), value)
    return record


def _component_path(variable: str, name: str) -> Path:
    """`$<variable>`, else `target/<name>.wasm` in the repository (`cargo xtask build`)."""
    return Path(os.environ.get(variable, Path(__file__).parents[2] / "target" / f"{name}.wasm"))


def default_component_path() -> Path:
    """`$MEMKIT_WASM`, else `target/memkit.wasm` in the repository."""
    return _component_path("MEMKIT_WASM", "memkit")


def default_article_path() -> Path:
    """`$MEMKIT_ARTICLE_WASM`, else `target/memkit-article.wasm` in the repository."""
    return _component_path("MEMKIT_ARTICLE_WASM", "memkit-article")


class _Instance:
    """One instance of a component in its own store, its functions found by interface."""

    def __init__(self, path: Path, memory_limit: int | None = None):
        self.engine = wasmtime.Engine()
        self.store = wasmtime.Store(self.engine)
        if memory_limit is not None:
            self.store.set_limits(memory_size=memory_limit)
        component = wc.Component.from_file(self.engine, str(path))
        self.instance = wc.Linker(self.engine).instantiate(self.store, component)
        # `<package>/<interface>@<version>` by interface: the version is the component's own.
        self.interfaces = {
            name.split("/")[1].split("@")[0]: name
            for name in component.type.exports(self.engine)
            if name.startswith(("memkit:core/", "memkit:article/"))
        }

    def func(self, interface: str, name: str) -> Any:
        """The export `name` of the interface, as a callable taking the arguments."""
        index = self.instance.get_export_index(self.store, self.interfaces[interface])
        func = self.instance.get_func(self.store, self.instance.get_export_index(self.store, name, index))
        if func is None:
            raise LookupError(f"{self.interfaces[interface]} has no export {name}")
        return lambda *args: func(self.store, *args)

    def drop(self, handle: wc.ResourceAny) -> None:
        handle.drop(self.store)

    def used_bytes(self) -> int:
        """`memory.info`'s used bytes (both components export `memkit:core/memory`)."""
        return _fields(self.func("memory", "info")())["used-bytes"]


class Memkit(_Instance):
    """One memkit instance in its own store."""

    def __init__(self, path: Path | None = None, memory_limit: int | None = None):
        super().__init__(path or default_component_path(), memory_limit)

    # --- bytes -----------------------------------------------------------------------------

    def byte_buffer(self, data: bytes) -> wc.ResourceAny:
        return self.func("bytes", "[static]byte-buffer.from-list")(data)

    def read(self, buffer: wc.ResourceAny, offset: int, length: int) -> bytes:
        return _bytes_or_error(self.func("bytes", "[method]byte-buffer.read")(buffer, offset, length))

    def append(self, buffer: wc.ResourceAny, data: bytes) -> None:
        _unit_or_error(self.func("bytes", "[method]byte-buffer.append")(buffer, data))

    def to_bytes(self, buffer: wc.ResourceAny) -> bytes:
        return _bytes_or_error(self.func("bytes", "[method]byte-buffer.to-list")(buffer))

    # --- checksums -------------------------------------------------------------------------

    def digest(self, algorithm: str, data: bytes) -> bytes:
        """The digest of `data`, big-endian: `algorithm` is `crc32`, `crc32c`, `crc64-nvme`,
        `sha256` or `md5`."""
        return bytes(self.func("checksums", "digest")(algorithm, data))

    def digest_in_pieces(self, algorithm: str, pieces: list[bytes]) -> bytes:
        """The digest of the pieces one after another, through a `hasher`."""
        hasher = self.func("checksums", "[constructor]hasher")(algorithm)
        try:
            for piece in pieces:
                self.func("checksums", "[method]hasher.update")(hasher, piece)
            return bytes(self.func("checksums", "[method]hasher.digest")(hasher))
        finally:
            self.drop(hasher)

    # --- records ---------------------------------------------------------------------------

    def serialize_record(self, header: bytes, payload: bytes, kind: str = "crc32c") -> bytes:
        record = self.func("records", "[constructor]binary-record")(kind)
        try:
            _unit_or_error(self.func("records", "[method]binary-record.set-header")(record, header))
            _unit_or_error(self.func("records", "[method]binary-record.set-payload")(record, payload))
            return _bytes_or_error(self.func("records", "[method]binary-record.serialize")(record))
        finally:
            self.drop(record)

    def deserialize_record(self, data: bytes, kind: str = "crc32c") -> tuple[bytes, bytes, int]:
        """(header, payload, checksum) of one record; `MemkitError` with the decode error."""
        record = self.func("records", "[static]binary-record.deserialize")(data, kind)
        if isinstance(record, wc.Variant):
            raise _typed_error(record)
        try:
            header = _bytes_or_error(self.func("records", "[method]binary-record.header")(record))
            payload = _bytes_or_error(self.func("records", "[method]binary-record.payload")(record))
            return header, payload, self.func("records", "[method]binary-record.checksum")(record)
        finally:
            self.drop(record)

    # --- chunks ----------------------------------------------------------------------------

    def assemble(self, total_size: int, pieces: list[tuple[int, bytes]], crc32c: int | None = None) -> bytes:
        """The bytes of `pieces` (offset, data), written in the order given."""
        assembler = self.func("chunks", "[static]chunk-assembler.create")(total_size, crc32c)
        if isinstance(assembler, wc.Variant):
            raise _typed_error(assembler)
        try:
            for offset, data in pieces:
                _unit_or_error(self.func("chunks", "[method]chunk-assembler.write-at")(assembler, offset, data))
            buffer = self.func("chunks", "[method]chunk-assembler.finish")(assembler)
            if isinstance(buffer, wc.Variant):
                raise _typed_error(buffer)
            try:
                return self.to_bytes(buffer)
            finally:
                self.drop(buffer)
        finally:
            self.drop(assembler)


class Article(_Instance):
    """One instance of the article's component in its own store."""

    def __init__(self, path: Path | None = None, memory_limit: int | None = None):
        super().__init__(path or default_article_path(), memory_limit)

    # --- people ----------------------------------------------------------------------------

    def company_to_json(self, name: str, founded_year: int, employees: list[dict]) -> str:
        people = [_record(**person) for person in employees]
        company = _record(name=name, founded_year=founded_year, employees=people)
        result = self.func("people", "company-to-json")(company)
        if isinstance(result, wc.Variant):
            raise _typed_error(result)
        return result

    def company_from_json(self, json: str) -> dict:
        # wasmtime-py tags a variant only where its cases' Python types overlap: the result
        # comes tagged ok or err (a record either way), the json-error as its bare payload (a
        # record for `invalid`, a number of bytes for `out-of-memory`).
        result = self.func("people", "company-from-json")(json)
        if result.tag == "err":
            if isinstance(result.payload, wc.Record):
                raise InvalidDocument(**_fields(result.payload))
            raise MemkitError("out-of-memory", result.payload)
        return _fields(result.payload)


# --- results: wasmtime-py gives an `ok` value as is and an error as its variant ----------


def _bytes_or_error(result: Any) -> bytes:
    if isinstance(result, wc.Variant):
        raise _typed_error(result)
    return bytes(result)


def _unit_or_error(result: Any) -> None:
    if result is not None:
        raise _typed_error(result)
