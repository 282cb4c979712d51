package history

// DecodeFast is decodeFast, for the tests of package history_test.
var DecodeFast = decodeFast
