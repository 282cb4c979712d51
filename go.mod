module github.com/replyby/replyby

go 1.24

require (
	github.com/govalues/decimal v0.1.36 // indirect
	github.com/rickb777/date/v2 v2.1.8 // indirect
	github.com/rickb777/period v1.0.9
	github.com/rickb777/plural v1.4.2 // indirect
	github.com/stretchr/testify v1.11.1 // indirect
	pgregory.net/rapid v1.2.0 // indirect
)
