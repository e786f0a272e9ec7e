package live

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/bpmnrun/bpmnrun/interp"
)

// ExitBPMNError is the exit status with which a shell worker throws a BPMN
// error: its stdout is then {"errorCode": ..., "errorMessage": ...,
// "variables": {...}}.
const ExitBPMNError = 3

// Worker does the jobs of one type. Work is called in a goroutine of its
// own for every job; it must return when ctx ends (the job timeout, or
// the run stopping).
type Worker interface {
	Work(ctx context.Context, job Job) Outcome
}

// Job is a job handed to a worker: the engine's job and the variables it
// sees.
type Job struct {
	interp.Job
	Variables map[string]any
}

// Outcome is what a worker did with a job: completed it with variables,
// threw a BPMN error (ErrorCode set), or failed (Err set) — a failed
// attempt is retried after a backoff until the job's retries run out.
type Outcome struct {
	Variables    map[string]any
	ErrorCode    string
	ErrorMessage string
	Err          error
}

// bpmnError is the body a worker returns to throw a BPMN error.
type bpmnError struct {
	ErrorCode    string         `json:"errorCode"`
	ErrorMessage string         `json:"errorMessage"`
	Variables    map[string]any `json:"variables"`
}

// maxOutput bounds what is read from a worker.
const maxOutput = 4 << 20

// Shell runs a command with "sh -c" for every job. The job's variables
// are its stdin, as a JSON object; the job is described in the
// environment (BPMNRUN_JOB_KEY, BPMNRUN_JOB_TYPE, BPMNRUN_ELEMENT_ID,
// BPMNRUN_PROCESS_ID, BPMNRUN_PROCESS_INSTANCE, BPMNRUN_RETRIES). Exit
// status 0 completes the job with the JSON object printed on stdout (empty
// output: no variables); exit status ExitBPMNError throws the BPMN error
// printed on stdout; anything else, or a timeout, is a failed attempt whose
// message is the last line of stderr.
type Shell struct {
	Command string
	Dir     string // working directory, "" for the current one
}

// Work runs the command for one job.
func (s Shell) Work(ctx context.Context, job Job) Outcome {
	in, err := json.Marshal(job.Variables)
	if err != nil {
		return Outcome{Err: fmt.Errorf("encoding the variables: %w", err)}
	}
	cmd := exec.CommandContext(ctx, "sh", "-c", s.Command)
	cmd.Dir = s.Dir
	cmd.Stdin = bytes.NewReader(in)
	cmd.Env = append(os.Environ(),
		"BPMNRUN_JOB_KEY="+strconv.FormatUint(job.Key, 10),
		"BPMNRUN_JOB_TYPE="+job.Type,
		"BPMNRUN_ELEMENT_ID="+job.ElementID,
		"BPMNRUN_PROCESS_ID="+job.ProcessID,
		"BPMNRUN_PROCESS_INSTANCE="+strconv.FormatUint(job.Instance, 10),
		"BPMNRUN_RETRIES="+strconv.Itoa(job.Retries))
	var stdout, stderr limitedBuffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	killGroup(cmd)
	cmd.WaitDelay = time.Second // children that keep the pipes open do not hold up a timeout
	err = cmd.Run()
	if ctx.Err() != nil {
		return Outcome{Err: timeoutError(ctx)}
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
		vars, err := decodeVars(stdout.Bytes())
		if err != nil {
			return Outcome{Err: fmt.Errorf("exit status 0 but stdout is not a JSON object of variables: %w", err)}
		}
		return Outcome{Variables: vars}
	case errors.As(err, &ee) && ee.ExitCode() == ExitBPMNError:
		return decodeBPMNError(stdout.Bytes(), fmt.Sprintf("exit status %d", ExitBPMNError))
	}
	msg := err.Error()
	if line := lastLine(stderr.String()); line != "" {
		msg += ": " + line
	}
	return Outcome{Err: errors.New(msg)}
}

// HTTP posts the job's variables, as a JSON object, to URL for every job;
// the job is described in headers (Bpmnrun-Job-Key, Bpmnrun-Job-Type,
// Bpmnrun-Element-Id, Bpmnrun-Process-Id, Bpmnrun-Process-Instance,
// Bpmnrun-Retries). A 2xx answer completes the job with the JSON object of
// its body (empty: no variables); 422 with {"errorCode": ...,
// "errorMessage": ..., "variables": ...} throws a BPMN error; any other
// answer, a connection error or a timeout is a failed attempt.
type HTTP struct {
	URL    string
	Client *http.Client // nil: http.DefaultClient
}

// Work posts one job.
func (h HTTP) Work(ctx context.Context, job Job) Outcome {
	body, err := json.Marshal(job.Variables)
	if err != nil {
		return Outcome{Err: fmt.Errorf("encoding the variables: %w", err)}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return Outcome{Err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Bpmnrun-Job-Key", strconv.FormatUint(job.Key, 10))
	req.Header.Set("Bpmnrun-Job-Type", job.Type)
	req.Header.Set("Bpmnrun-Element-Id", job.ElementID)
	req.Header.Set("Bpmnrun-Process-Id", job.ProcessID)
	req.Header.Set("Bpmnrun-Process-Instance", strconv.FormatUint(job.Instance, 10))
	req.Header.Set("Bpmnrun-Retries", strconv.Itoa(job.Retries))
	client := h.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return Outcome{Err: timeoutError(ctx)}
		}
		return Outcome{Err: err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxOutput))
	if err != nil {
		return Outcome{Err: fmt.Errorf("reading the answer: %w", err)}
	}
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		vars, err := decodeVars(data)
		if err != nil {
			return Outcome{Err: fmt.Errorf("%s but the body is not a JSON object of variables: %w", resp.Status, err)}
		}
		return Outcome{Variables: vars}
	case resp.StatusCode == http.StatusUnprocessableEntity:
		return decodeBPMNError(data, resp.Status)
	}
	msg := resp.Status
	if line := lastLine(string(data)); line != "" {
		msg += ": " + truncate(line, 200)
	}
	return Outcome{Err: errors.New(msg)}
}

func timeoutError(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return errors.New("timed out")
	}
	return errors.New("canceled")
}

// decodeVars decodes a JSON object of variables; empty input is none.
func decodeVars(data []byte) (map[string]any, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	var vars map[string]any
	if err := json.Unmarshal(data, &vars); err != nil {
		return nil, err
	}
	return vars, nil
}

func decodeBPMNError(data []byte, what string) Outcome {
	var be bpmnError
	if err := json.Unmarshal(data, &be); err != nil || be.ErrorCode == "" {
		return Outcome{Err: fmt.Errorf(`%s without {"errorCode": ...}: %s`, what, truncate(lastLine(string(data)), 200))}
	}
	return Outcome{ErrorCode: be.ErrorCode, ErrorMessage: be.ErrorMessage, Variables: be.Variables}
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		s = s[i+1:]
	}
	return strings.TrimSpace(s)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// limitedBuffer keeps the first maxOutput bytes written to it.
type limitedBuffer struct{ bytes.Buffer }

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := maxOutput - b.Len(); room > 0 {
		b.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
