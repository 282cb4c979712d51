package history

// decode decodes and checks one line. For now it is the reference.
func decode(b []byte) (Record, *Error) { return decodeReference(b) }
