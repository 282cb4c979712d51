module github.com/replyby/replyby

go 1.24

require (
	github.com/rickb777/date/v2 v2.1.8
	github.com/rickb777/period v1.0.9
	github.com/stretchr/testify v1.11.1
	pgregory.net/rapid v1.2.0
)

require (
	github.com/davecgh/go-spew v1.1.1 // indirect
	github.com/govalues/decimal v0.1.36 // indirect
	github.com/pmezard/go-difflib v1.0.0 // indirect
	github.com/rickb777/plural v1.4.2 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
