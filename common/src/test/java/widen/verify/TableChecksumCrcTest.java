package widen.verify;

/** Every checksum test of {@link TableChecksumTest} again, with CRC32 and CRC32C. */
class TableChecksumCrcTest extends TableChecksumTest {
  @Override
  TableChecksum.Hash hash() {
    return TableChecksum.Hash.CRC32_PAIR;
  }
}
