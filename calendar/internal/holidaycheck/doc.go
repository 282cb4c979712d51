// Package holidaycheck checks the calendar package's embedded holiday
// sets against independent sources for every year from 2000 through
// 2099: the holiday definitions of github.com/rickar/cal/v2, and the
// bank holidays the UK government published for 2012–2028. It is a
// module of its own, with tests only, so that the library's go.mod does
// not depend on rickar/cal. Every difference is listed, with its reason,
// in differences_test.go and README.md; a new one fails the test.
package holidaycheck
