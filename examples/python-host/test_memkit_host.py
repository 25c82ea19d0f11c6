"""pytest over memkit_host: memkit.wasm and memkit-article.wasm in wasmtime-py. Run by
`cargo xtask test`."""

import hashlib
import random
import zlib

import pytest
from awscrt import checksums as crt

from memkit_host import Article, InvalidDocument, Memkit, MemkitError


@pytest.fixture
def memkit():
    m = Memkit(memory_limit=16 << 20)
    before = m.used_bytes()
    yield m
    assert m.used_bytes() == before, "the component leaked"


@pytest.fixture
def article():
    a = Article(memory_limit=16 << 20)
    before = a.used_bytes()
    yield a
    assert a.used_bytes() == before, "the component leaked"


def test_byte_buffer_append_read_and_a_typed_out_of_bounds(memkit):
    buffer = memkit.byte_buffer(b"hello")
    memkit.append(buffer, b" world")
    assert memkit.read(buffer, 6, 5) == b"world"
    assert memkit.to_bytes(buffer) == b"hello world"
    with pytest.raises(MemkitError) as error:
        memkit.read(buffer, 0xFFFFFFFF, 2)
    assert error.value.tag == "out-of-bounds"
    assert error.value.value == {"offset": 0xFFFFFFFF, "len": 2, "size": 11}
    memkit.drop(buffer)


def test_binary_record_round_trip_and_a_corrupt_checksum(memkit):
    header = bytes(range(16))
    frame = memkit.serialize_record(header, b"payload")
    assert len(frame) == 24 + 7
    assert memkit.deserialize_record(frame)[:2] == (header, b"payload")
    corrupt = bytearray(frame)
    corrupt[20] ^= 0xFF
    with pytest.raises(MemkitError) as error:
        memkit.deserialize_record(bytes(corrupt))
    assert error.value.tag == "checksum-mismatch"
    mismatch = error.value.value
    assert mismatch["expected"] != mismatch["actual"]


def test_company_to_json_and_back(article):
    employees = [{"name": f"Employee {i}", "age": 20 + i, "email": f"e{i}@example.com"} for i in range(3)]
    json = article.company_to_json("Analytical", 1843, employees)
    assert json.startswith('{"name":"Analytical","employees":[{"name":"Employee 0"')
    assert json.endswith('"founded_year":1843}')
    company = article.company_from_json(json)
    assert company["name"] == "Analytical"
    assert company["founded-year"] == 1843
    assert [p["name"] for p in company["employees"]] == ["Employee 0", "Employee 1", "Employee 2"]
    with pytest.raises(InvalidDocument) as error:
        article.company_from_json('{"name": 1}')
    assert (error.value.line, error.value.column) == (1, 10)
    # A name that memory (capped at 16 MiB) cannot hold twice: json-error's out-of-memory case,
    # with the bytes of the copy that failed.
    with pytest.raises(MemkitError) as error:
        article.company_from_json('{"name":"%s","founded_year":1,"employees":[]}' % ("n" * (8 << 20)))
    assert (error.value.tag, error.value.value) == ("out-of-memory", 8 << 20)


def test_chunk_assembler_fed_out_of_order(memkit):
    data = bytes(i % 251 for i in range(3000))
    pieces = [(offset, data[offset : offset + 700]) for offset in range(0, 3000, 700)]
    assert memkit.assemble(3000, list(reversed(pieces))) == data
    with pytest.raises(MemkitError) as error:
        memkit.assemble(3000, pieces[1:])
    assert error.value.tag == "invalid" and "incomplete" in error.value.value


def _references(data: bytes) -> dict[str, bytes]:
    """Each algorithm's digest of `data`, big-endian, from a library memkit shares nothing with."""
    return {
        "crc32": zlib.crc32(data).to_bytes(4, "big"),
        "crc32c": crt.crc32c(data).to_bytes(4, "big"),
        "crc64-nvme": crt.crc64nvme(data).to_bytes(8, "big"),
        "sha256": hashlib.sha256(data).digest(),
        "md5": hashlib.md5(data).digest(),
    }


def test_digests_agree_with_zlib_hashlib_and_the_aws_crt(memkit):
    rng = random.Random(18)
    for size in [0, 1, 3, 63, 64, 65, 1000, 65_537, 1 << 20]:
        data = rng.randbytes(size)
        cuts = sorted(rng.randrange(size + 1) for _ in range(4))
        pieces = [data[a:b] for a, b in zip([0, *cuts], [*cuts, size])]
        for algorithm, expected in _references(data).items():
            assert memkit.digest(algorithm, data) == expected, (algorithm, size)
            assert memkit.digest_in_pieces(algorithm, pieces) == expected, (algorithm, size)
