package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/require"
)

// A pgCluster is a throwaway PostgreSQL server for one test: initdb into
// a temporary directory, listening only on a Unix socket in it, stopped
// (pg_ctl stop -m immediate) and removed when the test ends, whatever
// happens.
type pgCluster struct {
	t      testing.TB
	bin    string // directory of initdb, pg_ctl, postgres
	dir    string // holds data/, the socket and the log
	asUser []string
	url    string
}

// pgTimeout bounds every pg_ctl wait.
const pgTimeout = 60 * time.Second

// findPostgresBin returns the directory of initdb and pg_ctl: on PATH, or
// Debian's /usr/lib/postgresql/N/bin (newest first).
func findPostgresBin() (string, bool) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if _, err := exec.LookPath("pg_ctl"); err == nil {
			return filepath.Dir(p), true
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool {
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, true
		}
	}
	return "", false
}

// startPostgres starts a cluster, or skips the test if PostgreSQL is not
// installed, unless REPLYBY_REQUIRE_POSTGRES=1 (as in CI), which makes a
// missing server a failure.
func startPostgres(t testing.TB) *pgCluster {
	t.Helper()
	bin, ok := findPostgresBin()
	if !ok {
		if os.Getenv("REPLYBY_REQUIRE_POSTGRES") == "1" {
			t.Fatal("PostgreSQL's initdb and pg_ctl not found on PATH nor in /usr/lib/postgresql/*/bin, and REPLYBY_REQUIRE_POSTGRES=1")
		}
		t.Skip("PostgreSQL not installed (no initdb on PATH nor in /usr/lib/postgresql/*/bin): skipping; set REPLYBY_REQUIRE_POSTGRES=1 to fail instead")
	}
	dir, err := os.MkdirTemp("", "crm-pg-")
	require.NoError(t, err)
	c := &pgCluster{t: t, bin: bin, dir: dir}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// The server refuses to run as root: run it as postgres.
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		require.NoError(t, err, "running as root needs a postgres user to run the server")
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		require.NoError(t, os.Chmod(dir, 0o755))
		require.NoError(t, os.Chown(dir, uid, gid))
		c.asUser = []string{"runuser", "-u", "postgres", "--"}
	}
	c.run("initdb", "-D", c.data(), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync", "--no-instructions")
	c.run("pg_ctl", "start", "-D", c.data(), "-l", filepath.Join(dir, "server.log"), "-w", "-t", strconv.Itoa(int(pgTimeout.Seconds())),
		"-o", fmt.Sprintf("-c listen_addresses='' -k %s -c max_connections=200 -c shared_buffers=128MB -c recovery_init_sync_method=syncfs", dir))
	t.Cleanup(func() {
		// Whatever happened: stop it, quickly.
		ctx, cancel := context.WithTimeout(context.Background(), pgTimeout)
		defer cancel()
		args := append(append([]string{}, c.asUser...), filepath.Join(bin, "pg_ctl"), "stop", "-D", c.data(), "-m", "immediate", "-w")
		exec.CommandContext(ctx, args[0], args[1:]...).Run()
		if t.Failed() {
			if b, err := os.ReadFile(filepath.Join(dir, "server.log")); err == nil && len(b) > 0 {
				if len(b) > 8000 {
					b = b[len(b)-8000:]
				}
				t.Logf("PostgreSQL log (tail):\n%s", b)
			}
		}
	})
	c.url = "postgres://postgres@/postgres?host=" + dir + "&sslmode=disable"
	return c
}

func (c *pgCluster) data() string { return filepath.Join(c.dir, "data") }

// run runs one of the server's programs, as the postgres user if need be.
func (c *pgCluster) run(name string, args ...string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), pgTimeout)
	defer cancel()
	argv := append(append(append([]string{}, c.asUser...), filepath.Join(c.bin, name)), args...)
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.WaitDelay = 5 * time.Second // a server started without -l would hold the output open
	out, err := cmd.CombinedOutput()
	require.NoError(c.t, err, "%s: %s", name, out)
}

// restart restarts the server as a crash would: pg_ctl restart -m immediate.
func (c *pgCluster) restart() {
	c.t.Helper()
	c.run("pg_ctl", "restart", "-D", c.data(), "-l", filepath.Join(c.dir, "server.log"), "-m", "immediate", "-w", "-t", strconv.Itoa(int(pgTimeout.Seconds())))
}

// database creates a new database and returns its URL, with
// application_name set to name.
func (c *pgCluster) database(name string) string {
	c.t.Helper()
	conn := c.connect()
	defer conn.Close(context.Background())
	_, err := conn.Exec(context.Background(), "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	require.NoError(c.t, err)
	return "postgres://postgres@/" + name + "?host=" + c.dir + "&sslmode=disable"
}

// connect opens a connection for the test itself, to the database at
// url (the postgres database if url is empty).
func (c *pgCluster) connect(url ...string) *pgx.Conn {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, append(url, c.url)[0])
	require.NoError(c.t, err)
	return conn
}

// terminate ends every connection whose application_name is name
// (pg_terminate_backend) and returns how many it ended.
func (c *pgCluster) terminate(name string) int {
	c.t.Helper()
	conn := c.connect()
	defer conn.Close(context.Background())
	var n int
	require.NoError(c.t, conn.QueryRow(context.Background(),
		`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1`, name).Scan(&n))
	return n
}

// withApp returns url with application_name=name.
func withApp(url, name string) string { return url + "&application_name=" + name }
