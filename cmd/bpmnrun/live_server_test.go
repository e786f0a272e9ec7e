package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/bpmnrun/bpmnrun/serve"
	"github.com/bpmnrun/bpmnrun/store"
)

const shipModel = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:error id="no_address" errorCode="NO_ADDRESS" />
  <bpmn:process id="shipping" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="pack" />
    <bpmn:serviceTask id="pack">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="pack" retries="2" />
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="f2" sourceRef="pack" targetRef="ship" />
    <bpmn:serviceTask id="ship">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="ship" />
      </bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:boundaryEvent id="bad_address" attachedToRef="ship">
      <bpmn:errorEventDefinition errorRef="no_address" />
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="ship" targetRef="shipped" />
    <bpmn:endEvent id="shipped" />
    <bpmn:sequenceFlow id="f4" sourceRef="bad_address" targetRef="returned" />
    <bpmn:endEvent id="returned" />
  </bpmn:process>
</bpmn:definitions>
`

// startServe runs a bpmnrun serve server in-process on 127.0.0.1 (httptest)
// with a temporary SQLite store, requiring token; it stops with the test.
func startServe(t *testing.T, token string) string {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "bpmnrun.db"))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := serve.New(ctx, serve.Options{DB: db, Token: token, Trace: true, Poll: 200 * time.Millisecond})
	if err != nil {
		db.Close()
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Run(runCtx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
		hs.Close()
		srv.Close()
		db.Close()
	})
	return hs.URL
}

// writeScript writes an executable shell script into dir.
func writeScript(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// runBounded runs the CLI with a context that ends after 30 s.
func runBounded(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	root := newRootCmd()
	root.SetContext(ctx)
	code = execute(root, args, strings.NewReader(""), &out, &errOut)
	if ctx.Err() != nil {
		t.Fatalf("the run did not end within 30s\nstdout:\n%s\nstderr:\n%s", out.String(), errOut.String())
	}
	return code, out.String(), errOut.String()
}

// run --live --server deploys the model to a running bpmnrun serve, starts
// an instance there and does its jobs with the shell workers.
func TestRunLiveServer(t *testing.T) {
	const token = "s3cret"
	url := startServe(t, token)
	dir := t.TempDir()
	model := filepath.Join(dir, "ship.bpmn")
	if err := os.WriteFile(model, []byte(shipModel), 0o644); err != nil {
		t.Fatal(err)
	}
	pack := writeScript(t, dir, "pack.sh", `input=$(cat)
id=$(echo "$input" | sed 's/.*"orderId":"\([^"]*\)".*/\1/')
printf '{"packed": "%s"}\n' "$id"
`)
	ship := writeScript(t, dir, "ship.sh", "cat > /dev/null\necho '{\"tracking\": \"T-1\"}'\n")
	noAddress := writeScript(t, dir, "noaddress.sh", "cat > /dev/null\necho '{\"errorCode\": \"NO_ADDRESS\", \"errorMessage\": \"no address\"}'\nexit 3\n")
	broken := writeScript(t, dir, "broken.sh", "cat > /dev/null\necho 'scale offline' >&2\nexit 1\n")

	t.Run("completed", func(t *testing.T) {
		code, stdout, stderr := runBounded(t, "run", "--live", "--server", url, "--token", token, model,
			"--var", "orderId=o-1", "--worker", "pack="+pack, "--worker", "ship="+ship)
		if code != exitOK {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		for _, re := range []string{
			`(?m)^\d\d:\d\d:\d\d\.\d\d\d job \d+ at pack \(pack\): completed \{"packed":"o-1"\}$`,
			`(?m)^\d\d:\d\d:\d\d\.\d\d\d job \d+ at ship \(ship\): completed \{"tracking":"T-1"\}$`,
			`(?m)^#\d+ shipping: completed at shipped$`,
			`(?m)^variables: \{"orderId":"o-1","packed":"o-1","tracking":"T-1"\}$`,
		} {
			if !regexp.MustCompile(re).MatchString(stdout) {
				t.Errorf("stdout does not match %s:\n%s", re, stdout)
			}
		}
		if !strings.Contains(stderr, "note: live: workers: pack: "+pack+", ship: "+ship+"\n") {
			t.Errorf("stderr:\n%s", stderr)
		}
	})

	t.Run("bpmn-error", func(t *testing.T) {
		t.Setenv("BPMNRUN_TOKEN", token)
		code, stdout, stderr := runBounded(t, "run", "--live", "--server", url, model,
			"--worker", "pack="+pack, "--worker", "ship="+noAddress)
		if code != exitOK {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		if !regexp.MustCompile(`(?m)^.* job \d+ at ship \(ship\): error NO_ADDRESS \{\}$`).MatchString(stdout) ||
			!regexp.MustCompile(`(?m)^#\d+ shipping: completed at returned$`).MatchString(stdout) {
			t.Errorf("stdout:\n%s", stdout)
		}
	})

	t.Run("incident", func(t *testing.T) {
		code, stdout, stderr := runBounded(t, "run", "--live", "--server", url, "--token", token, model,
			"--worker", "pack="+broken, "--retry-backoff", "PT0.01S")
		if code != exitFailure {
			t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, exitFailure, stdout, stderr)
		}
		for _, re := range []string{
			`(?m)^note: job \d+ at pack \(pack\) failed: exit status 1: scale offline; retrying in 10ms \(1 retries left\)$`,
			`(?m)^note: job \d+ at pack \(pack\) failed: exit status 1: scale offline; no retries left$`,
		} {
			if !regexp.MustCompile(re).MatchString(stderr) {
				t.Errorf("stderr does not match %s:\n%s", re, stderr)
			}
		}
		for _, re := range []string{
			`(?m)^stopped: the instance has an incident`,
			`(?m)^#\d+ shipping: active$`,
			`(?m)^incident: JOB_NO_RETRIES at pack: .*scale offline`,
		} {
			if !regexp.MustCompile(re).MatchString(stdout) {
				t.Errorf("stdout does not match %s:\n%s", re, stdout)
			}
		}
	})

	t.Run("usage", func(t *testing.T) {
		code, _, stderr := runBounded(t, "run", model, "--server", url)
		if code != exitUsage || !strings.Contains(stderr, "--server only go with --live") {
			t.Errorf("exit %d, stderr:\n%s", code, stderr)
		}
		code, _, stderr = runBounded(t, "run", "--live", model, "--token", token)
		if code != exitUsage || !strings.Contains(stderr, "--token only goes with --server") {
			t.Errorf("exit %d, stderr:\n%s", code, stderr)
		}
		code, _, stderr = runBounded(t, "run", "--live", "--server", url, "--token", "wrong", model, "--worker", "pack="+pack)
		if code != exitFailure || !strings.Contains(stderr, "401") {
			t.Errorf("exit %d, stderr:\n%s", code, stderr)
		}
	})
}
