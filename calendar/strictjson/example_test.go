package strictjson_test

import (
	"fmt"

	"github.com/replyby/replyby/calendar/strictjson"
)

// Decode reads a document into a value, or says which value is wrong and
// where it stands.
func ExampleDecode() {
	type week struct {
		Zone  string   `json:"zone"`
		Hours []string `json:"hours"`
	}
	var w week
	fmt.Println(strictjson.Decode([]byte(`{"zone": "Europe/London", "hours": ["09:00-17:00"]}`), &w), w)

	// A value of the wrong type, and a member name in the wrong case.
	err := strictjson.Decode([]byte(`{"zone": "Europe/London", "hours": [9]}`), &w)
	fmt.Println(err.(*strictjson.Error).Path)
	err = strictjson.Decode([]byte(`{"Zone": "Europe/London"}`), &w)
	fmt.Println(err.(*strictjson.Error).Path)
	// Output:
	// <nil> {Europe/London [09:00-17:00]}
	// hours[0]
	// Zone
}
