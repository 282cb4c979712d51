package main

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The board's browsers authenticate with the API's tokens, but a browser
// cannot send a bearer header with a link or a form. So a browser logs in
// once: POST /login takes a token in a form, checks it as the API does,
// and answers with a cookie holding a new random session ID (32 bytes),
// HttpOnly (no script reads it), SameSite=Strict (no other site's page
// makes the browser send it) and Secure when served over TLS. The
// database keeps only the SHA-256 of the ID, with the tenant, the token's
// hash and the expiry: a session ends at logout, after sessionTTL, or
// when its token leaves the tokens table.
//
// Every form POST is checked twice against cross-site request forgery:
// by the standard library's cross-origin protection (a request whose
// Sec-Fetch-Site or Origin says it comes from another origin is refused
// with 403; the login form too, against login forgery) and by a token
// in the form, an HMAC of the session ID that only a page of the session
// carries (403 without it).

const (
	sessionCookie = "crm_session"
	// sessionTTL is how long a session lasts after login.
	sessionTTL = 12 * time.Hour
	// maxForm bounds a form's body: room for the longest note and
	// answer a call takes, each character 4 bytes of UTF-8 and each byte
	// 3 once a browser percent-encodes it, and 4 kB for the rest.
	maxForm = 3*4*(maxNote+maxAnswer) + 4<<10
)

// A session is a browser's session, as the board's handlers see it.
type session struct {
	tenant string
	// csrf is the token its forms carry.
	csrf string
	// changes names the hub's count of the tenant's changes when the
	// request began, before its page read anything: a page shows at
	// least what they made (hub.changes).
	changes string
}

type sessionKey struct{}

func sessionOf(r *http.Request) session { s, _ := r.Context().Value(sessionKey{}).(session); return s }

// csrfToken is the form token of the session with ID id: an HMAC keyed by
// the ID, so that it is known only to who holds the ID (the browser's
// HttpOnly cookie) and to the pages the server renders for it.
func csrfToken(id string) string {
	m := hmac.New(sha256.New, []byte(id))
	m.Write([]byte("replyby board form"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// A cachedSession is a session as read from the database, trusted until
// expires (at most tokenTTL): a session ended by another process, or
// whose token was removed, stops working within tokenTTL.
type cachedSession struct {
	row     sessionRow
	expires time.Time
}

// lookupSession returns the live session whose cookie holds id.
func (a *app) lookupSession(ctx context.Context, id string) (sessionRow, bool, error) {
	h := sha256.Sum256([]byte(id))
	now := time.Now()
	if v, ok := a.sessions.Load(string(h[:])); ok {
		c := v.(cachedSession)
		if now.Before(c.expires) && now.UnixNano() < c.row.expiresAt {
			return c.row, true, nil
		}
	}
	row, ok, err := a.db.session(ctx, h[:], now.UnixNano())
	if err != nil || !ok {
		a.sessions.Delete(string(h[:]))
		return sessionRow{}, false, err
	}
	a.sessions.Store(string(h[:]), cachedSession{row, now.Add(tokenTTL)})
	return row, true, nil
}

// withSession passes requests with a live session on, with their tenant
// and session in the context. Others are sent to the login page (a GET
// of a page), or answered 401.
func (a *app) withSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		var row sessionRow
		ok := false
		if err == nil && len(c.Value) == 43 { // base64url of 32 bytes
			if row, ok, err = a.lookupSession(r.Context(), c.Value); err != nil {
				a.failPage(w, r, err)
				return
			}
		}
		if !ok {
			if r.Method == http.MethodGet && r.URL.Path != "/updates" {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Error(w, "log in first", http.StatusUnauthorized)
			return
		}
		ctx := context.WithValue(r.Context(), tenantKey{}, row.tenant)
		ctx = context.WithValue(ctx, sessionKey{}, session{tenant: row.tenant, csrf: csrfToken(c.Value), changes: a.hub.changes(row.tenant)})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// checkForm reads a form POST's body (at most maxForm bytes) and checks
// its CSRF token; it answers 413, 400 or 403 and returns false if it
// cannot take it.
func checkForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			http.Error(w, "the form is too large", http.StatusRequestEntityTooLarge)
		} else {
			http.Error(w, "a form that cannot be read", http.StatusBadRequest)
		}
		return false
	}
	want := sessionOf(r).csrf
	if got := r.PostForm.Get("csrf"); want == "" || !hmac.Equal([]byte(got), []byte(want)) {
		http.Error(w, "this form is not from a page of your session: reload the page and try again", http.StatusForbidden)
		return false
	}
	return true
}

// localPath returns next if it is a path of this site ("/..." but not
// "//host" nor "/\host"), else "/": a login never sends the browser
// elsewhere. It refuses a backslash, a space or a control character
// anywhere, since browsers read a backslash as a slash and drop tabs and
// newlines from a URL ("/\t/host" is "//host" to them).
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") {
		return "/"
	}
	for i := 0; i < len(next); i++ {
		if c := next[i]; c <= ' ' || c == 0x7f || c == '\\' {
			return "/"
		}
	}
	return next
}

// loginPage is what the login template shows.
type loginPage struct {
	Next, Error string
}

// serveLogin serves GET /login (the form) and POST /login (a token in,
// a session cookie out, and back to the page asked for).
func (a *app) serveLogin(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		a.render(w, r, http.StatusOK, "login", loginPage{Next: localPath(r.URL.Query().Get("next"))})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "a form that cannot be read", http.StatusBadRequest)
		return
	}
	next := localPath(r.PostForm.Get("next"))
	token := strings.TrimSpace(r.PostForm.Get("token"))
	h := sha256.Sum256([]byte(token))
	tenant, ok := "", false
	if token != "" && len(token) <= 1024 {
		var err error
		if tenant, ok, err = a.lookupToken(r.Context(), string(h[:])); err != nil {
			a.failPage(w, r, err)
			return
		}
	}
	if !ok {
		a.render(w, r, http.StatusUnauthorized, "login", loginPage{Next: next, Error: "That token is not known. Use an API token of your tenant."})
		return
	}
	b := make([]byte, 32)
	rand.Read(b)
	id := base64.RawURLEncoding.EncodeToString(b)
	idHash := sha256.Sum256([]byte(id))
	now := time.Now()
	if err := a.db.insertSession(r.Context(), sessionRow{hash: idHash[:], tenant: tenant, tokenHash: h[:], expiresAt: now.Add(sessionTTL).UnixNano()}, now.UnixNano()); err != nil {
		a.failPage(w, r, err)
		return
	}
	http.SetCookie(w, a.cookie(r, id, int(sessionTTL.Seconds())))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// serveLogout serves POST /logout: the session ends here and now.
func (a *app) serveLogout(w http.ResponseWriter, r *http.Request) {
	if !checkForm(w, r) {
		return
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		h := sha256.Sum256([]byte(c.Value))
		a.sessions.Delete(string(h[:]))
		if err := a.db.deleteSession(r.Context(), h[:]); err != nil {
			a.failPage(w, r, err)
			return
		}
	}
	http.SetCookie(w, a.cookie(r, "", -1))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// cookie is the session cookie holding id, for maxAge seconds (negative:
// delete it).
func (a *app) cookie(r *http.Request, id string, maxAge int) *http.Cookie {
	return &http.Cookie{
		Name: sessionCookie, Value: id, Path: "/", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil || a.cfg.secureCookie,
	}
}
