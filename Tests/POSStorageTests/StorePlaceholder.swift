import Testing
@Test func storagePlaceholder() {}
