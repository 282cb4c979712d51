package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// client calls the API and keeps the first error, so that a script of
// calls reads without error checks after each.
type client struct {
	base string
	err  error
	hc   *http.Client // http.DefaultClient if nil
}

// do sends a request with body v (if not nil) and decodes the answer into
// out (if not nil). It returns the status code.
func (c *client) do(method, path string, v, out any) int {
	if c.err != nil {
		return 0
	}
	var body bytes.Buffer
	if v != nil {
		if err := json.NewEncoder(&body).Encode(v); err != nil {
			c.err = err
			return 0
		}
	}
	req, err := http.NewRequest(method, c.base+path, &body)
	if err != nil {
		c.err = err
		return 0
	}
	hc := c.hc
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		c.err = err
		return 0
	}
	defer res.Body.Close()
	if res.StatusCode >= 300 {
		var e struct{ Error string }
		json.NewDecoder(res.Body).Decode(&e)
		c.err = fmt.Errorf("%s %s: %s: %s", method, path, res.Status, e.Error)
		return res.StatusCode
	}
	if out != nil {
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			c.err = err
		}
	}
	return res.StatusCode
}

func (c *client) post(path string, v any) (st statusJSON) {
	c.do(http.MethodPost, path, v, &st)
	return st
}

func (c *client) status(id string) (st statusJSON) {
	c.do(http.MethodGet, "/inquiries/"+id, nil, &st)
	return st
}

func (c *client) escalations() (list []recorded) {
	c.do(http.MethodGet, "/escalations", nil, &list)
	return list
}
