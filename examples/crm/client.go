package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"sync/atomic"
)

// client calls the API with a bearer token and keeps the first error, so
// that a script of calls reads without error checks after each.
type client struct {
	base  string
	token string
	err   error
	hc    *http.Client // http.DefaultClient if nil
}

// keys numbers the idempotency keys the client makes up.
var keys atomic.Int64

// newKey returns an idempotency key unique to this process.
func newKey() string { return fmt.Sprintf("k-%d-%s", keys.Add(1), newToken()[:8]) }

// do sends a request with body v (if not nil) as JSON and decodes the
// answer into out (if not nil). It returns the status code.
func (c *client) do(method, path string, v, out any) int {
	return c.send(method, path, nil, v, out)
}

// send is do with extra headers.
func (c *client) send(method, path string, header http.Header, v, out any) int {
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
	for k, vs := range header {
		req.Header[k] = vs
	}
	if v != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
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
		var e struct{ Error, Field string }
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

// post creates an inquiry.
func (c *client) post(path string, v any) (st compactStatus) {
	c.do(http.MethodPost, path, v, &st)
	return st
}

// event appends an event under a new idempotency key.
func (c *client) event(id string, e eventJSON) compactStatus {
	return c.eventKey(id, newKey(), e)
}

// eventKey appends an event under the idempotency key given.
func (c *client) eventKey(id, key string, e eventJSON) (st compactStatus) {
	c.send(http.MethodPost, "/inquiries/"+id+"/events", http.Header{"Idempotency-Key": {key}}, e, &st)
	return st
}

func (c *client) status(id string) (st statusJSON) {
	c.do(http.MethodGet, "/inquiries/"+id, nil, &st)
	return st
}

// escalations lists every escalation, following the pages.
func (c *client) escalations() []recordedJSON {
	list := []recordedJSON{}
	after := ""
	for {
		var page pageJSON
		path := "/escalations?limit=1000"
		if after != "" {
			path += "&after=" + url.QueryEscape(after)
		}
		c.do(http.MethodGet, path, nil, &page)
		if c.err != nil {
			return list
		}
		list = append(list, page.Escalations...)
		if page.Next == "" {
			return list
		}
		after = page.Next
	}
}
