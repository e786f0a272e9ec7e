// Package client is a Go client of the HTTP API of bpmnrun serve (see
// serve/openapi.yaml): deploy models, start instances (optionally waiting
// for their end), publish messages, activate and complete jobs, handle
// incidents, and run job workers (Worker).
//
// Durations are time.Duration here and milliseconds on the wire. Errors
// answered by the server are *Error, matched with errors.Is against
// ErrNotFound, ErrConflict, ErrTimeout, ErrBadRequest and ErrUnauthorized.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Client talks to one bpmnrun serve node. It is safe for concurrent use.
type Client struct {
	base  string
	token string
	hc    *http.Client
}

// Option configures a Client.
type Option func(*Client)

// WithToken sends "Authorization: Bearer token" with every request.
func WithToken(token string) Option { return func(c *Client) { c.token = token } }

// WithHTTPClient uses hc instead of a default client (no overall timeout:
// long polls and synchronous starts bound themselves).
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// New returns a client of the server at baseURL, e.g. "http://127.0.0.1:8080".
func New(baseURL string, opts ...Option) *Client {
	c := &Client{base: strings.TrimSuffix(baseURL, "/"), hc: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Sentinels for errors.Is on *Error.
var (
	ErrBadRequest   = errors.New("bad request")  // 400, 413: the request was rejected, nothing changed
	ErrUnauthorized = errors.New("unauthorized") // 401
	ErrNotFound     = errors.New("not found")    // 404: no such job, instance, incident, process
	ErrConflict     = errors.New("conflict")     // 409: e.g. duplicate message id, job with an incident
	ErrTimeout      = errors.New("timeout")      // 504: a synchronous start timed out (the instance runs on)
	ErrUnavailable  = errors.New("unavailable")  // 503
	ErrServer       = errors.New("server error") // other 5xx
	errUnexpected   = errors.New("unexpected answer")
)

// Error is an error answered by the server.
type Error struct {
	Status  int      `json:"-"`
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Key     uint64   `json:"key,omitempty"` // the instance of a timed-out synchronous start
	Details []string `json:"details,omitempty"`
}

func (e *Error) Error() string {
	return fmt.Sprintf("bpmnrun serve: %d %s: %s", e.Status, e.Code, e.Message)
}

// Is matches the sentinel of the status.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.Status == 400 || e.Status == 413
	case ErrUnauthorized:
		return e.Status == 401
	case ErrNotFound:
		return e.Status == 404
	case ErrConflict:
		return e.Status == 409
	case ErrTimeout:
		return e.Status == 504
	case ErrUnavailable:
		return e.Status == 503
	case ErrServer:
		return e.Status >= 500
	}
	return false
}

// do sends a request with a JSON (or raw, for []byte) body and decodes
// the JSON answer into out (when not nil).
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	ctype := "application/json"
	switch v := in.(type) {
	case nil:
	case []byte:
		body, ctype = bytes.NewReader(v), "application/xml"
	default:
		data, err := json.Marshal(v)
		if err != nil {
			return err
		}
		body = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", ctype)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		e := &Error{Status: resp.StatusCode}
		if json.Unmarshal(data, e) != nil || e.Code == "" {
			e.Code, e.Message = http.StatusText(resp.StatusCode), strings.TrimSpace(string(data))
		}
		return e
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("%w: %v", errUnexpected, err)
	}
	return nil
}

func ms(d time.Duration) int64 { return d.Milliseconds() }

// Health checks that the server and its store answer.
func (c *Client) Health(ctx context.Context) error {
	return c.do(ctx, "GET", "/healthz", nil, nil)
}

// ---- deployments ----

// Process is a deployed process version.
type Process struct {
	ProcessID     string `json:"processId"`
	Version       int    `json:"version"`
	DeploymentKey int64  `json:"deploymentKey"`
}

// Deployment is a deployed model file.
type Deployment struct {
	Key        int64     `json:"key"`
	Name       string    `json:"name"`
	Digest     string    `json:"digest"`
	Duplicate  bool      `json:"duplicate"`
	DeployedAt time.Time `json:"deployedAt"`
	Processes  []Process `json:"processes"`
}

// Deploy deploys a .bpmn file (name is used in errors and listings).
// Deploying the same content again returns the existing deployment with
// Duplicate set.
func (c *Client) Deploy(ctx context.Context, name string, bpmnXML []byte) (Deployment, error) {
	var d Deployment
	err := c.do(ctx, "POST", "/v1/deployments?name="+url.QueryEscape(name), bpmnXML, &d)
	return d, err
}

// ---- instances ----

// StartRequest starts an instance.
type StartRequest struct {
	ProcessID string
	Variables map[string]any
	// Await waits for the end of the instance, at most Timeout (default
	// 10 s); a timeout is an *Error matching ErrTimeout whose Key is the
	// still running instance.
	Await          bool
	Timeout        time.Duration
	FetchVariables []string
}

// Instance describes a process instance.
type Instance struct {
	Key       uint64         `json:"key"`
	ProcessID string         `json:"processId"`
	Version   int            `json:"version"`
	State     string         `json:"state"` // active, completed, terminated, canceled
	StartedAt *time.Time     `json:"startedAt"`
	EndedAt   *time.Time     `json:"endedAt"`
	EndEvent  string         `json:"endEvent"`
	Variables map[string]any `json:"variables"`
	Elements  []Element      `json:"elements"`
	Jobs      []JobInfo      `json:"jobs"`
	Incidents []Incident     `json:"incidents"`
	Trace     []TraceEvent   `json:"trace"`
	Warning   string         `json:"warning"`
}

// Element is an active element instance.
type Element struct {
	Key       uint64    `json:"key"`
	ElementID string    `json:"elementId"`
	Kind      string    `json:"kind"`
	Depth     int       `json:"depth"`
	Since     time.Time `json:"since"`
	Incident  bool      `json:"incident"`
}

// JobInfo is an open job of an instance.
type JobInfo struct {
	Key                uint64     `json:"key"`
	Type               string     `json:"type"`
	State              string     `json:"state"`
	ElementID          string     `json:"elementId"`
	ProcessInstanceKey uint64     `json:"processInstanceKey"`
	Retries            int        `json:"retries"`
	Deadline           *time.Time `json:"deadline"`
	ErrorMessage       string     `json:"errorMessage"`
}

// TraceEvent is one step of the engine.
type TraceEvent struct {
	Time      time.Time `json:"time"`
	Kind      string    `json:"kind"`
	Instance  uint64    `json:"instance"`
	ProcessID string    `json:"processId"`
	ElementID string    `json:"elementId"`
	Element   string    `json:"element"`
	Detail    string    `json:"detail"`
}

// Start starts an instance of the latest version of a process.
func (c *Client) Start(ctx context.Context, req StartRequest) (Instance, error) {
	body := map[string]any{"processId": req.ProcessID}
	if req.Variables != nil {
		body["variables"] = req.Variables
	}
	if req.Await {
		body["awaitCompletion"] = true
	}
	if req.Timeout > 0 {
		body["requestTimeout"] = ms(req.Timeout)
	}
	if len(req.FetchVariables) > 0 {
		body["fetchVariables"] = req.FetchVariables
	}
	var inst Instance
	err := c.do(ctx, "POST", "/v1/process-instances", body, &inst)
	return inst, err
}

// Instance reads an instance (with its trace when trace is set).
func (c *Client) Instance(ctx context.Context, key uint64, trace bool) (Instance, error) {
	var inst Instance
	path := "/v1/process-instances/" + strconv.FormatUint(key, 10)
	if trace {
		path += "?trace=true"
	}
	err := c.do(ctx, "GET", path, nil, &inst)
	return inst, err
}

// Cancel cancels an active instance.
func (c *Client) Cancel(ctx context.Context, key uint64) error {
	return c.do(ctx, "POST", "/v1/process-instances/"+strconv.FormatUint(key, 10)+"/cancellation", nil, nil)
}

// SetVariables sets variables of an active instance.
func (c *Client) SetVariables(ctx context.Context, key uint64, vars map[string]any) error {
	return c.do(ctx, "POST", "/v1/process-instances/"+strconv.FormatUint(key, 10)+"/variables", map[string]any{"variables": vars}, nil)
}

// ---- messages ----

// Message is a message to publish.
type Message struct {
	Name           string
	CorrelationKey string
	Variables      map[string]any
	// TTL is how long the message stays buffered when nothing waits for
	// it; 0 keeps the server's default (one hour), NoBuffer drops it.
	TTL       time.Duration
	MessageID string
}

// NoBuffer as Message.TTL drops a message that nothing waits for.
const NoBuffer time.Duration = -1

// PublishResult says where a message went.
type PublishResult struct {
	Key        uint64   `json:"key"`
	Correlated []uint64 `json:"correlated"`
	Started    []uint64 `json:"started"`
	Buffered   bool     `json:"buffered"`
}

// Publish publishes a message.
func (c *Client) Publish(ctx context.Context, m Message) (PublishResult, error) {
	body := map[string]any{"name": m.Name, "correlationKey": m.CorrelationKey}
	if m.Variables != nil {
		body["variables"] = m.Variables
	}
	switch {
	case m.TTL < 0:
		body["timeToLive"] = 0
	case m.TTL > 0:
		body["timeToLive"] = ms(m.TTL)
	}
	if m.MessageID != "" {
		body["messageId"] = m.MessageID
	}
	var r PublishResult
	err := c.do(ctx, "POST", "/v1/messages", body, &r)
	return r, err
}

// ---- jobs ----

// ActivateRequest asks for jobs.
type ActivateRequest struct {
	Type           string
	Worker         string
	MaxJobs        int           // default 10
	Timeout        time.Duration // lock duration, default 5 minutes
	RequestTimeout time.Duration // long polling: wait this long for a job (0: answer at once)
	FetchVariables []string
}

// Job is an activated job.
type Job struct {
	Key                uint64            `json:"key"`
	Type               string            `json:"type"`
	ProcessInstanceKey uint64            `json:"processInstanceKey"`
	ProcessID          string            `json:"processId"`
	ElementID          string            `json:"elementId"`
	Retries            int               `json:"retries"`
	Deadline           time.Time         `json:"deadline"`
	Variables          map[string]any    `json:"variables"`
	CustomHeaders      map[string]string `json:"customHeaders"`
}

// Activate locks jobs of a type for this worker.
func (c *Client) Activate(ctx context.Context, req ActivateRequest) ([]Job, error) {
	body := map[string]any{"type": req.Type}
	if req.Worker != "" {
		body["worker"] = req.Worker
	}
	if req.MaxJobs > 0 {
		body["maxJobsToActivate"] = req.MaxJobs
	}
	if req.Timeout > 0 {
		body["timeout"] = ms(req.Timeout)
	}
	if req.RequestTimeout > 0 {
		body["requestTimeout"] = ms(req.RequestTimeout)
	}
	if len(req.FetchVariables) > 0 {
		body["fetchVariables"] = req.FetchVariables
	}
	var r struct {
		Jobs []Job `json:"jobs"`
	}
	err := c.do(ctx, "POST", "/v1/jobs/activation", body, &r)
	return r.Jobs, err
}

// Complete completes a job. Completing a job twice fails with ErrNotFound.
func (c *Client) Complete(ctx context.Context, key uint64, vars map[string]any) error {
	body := map[string]any{}
	if vars != nil {
		body["variables"] = vars
	}
	return c.do(ctx, "POST", "/v1/jobs/"+strconv.FormatUint(key, 10)+"/completion", body, nil)
}

// FailRequest reports a failed job attempt.
type FailRequest struct {
	Retries      int // remaining retries: 0 raises an incident
	ErrorMessage string
	RetryBackOff time.Duration
	Variables    map[string]any
}

// Fail fails a job attempt.
func (c *Client) Fail(ctx context.Context, key uint64, req FailRequest) error {
	body := map[string]any{"retries": req.Retries}
	if req.ErrorMessage != "" {
		body["errorMessage"] = req.ErrorMessage
	}
	if req.RetryBackOff > 0 {
		body["retryBackOff"] = ms(req.RetryBackOff)
	}
	if req.Variables != nil {
		body["variables"] = req.Variables
	}
	return c.do(ctx, "POST", "/v1/jobs/"+strconv.FormatUint(key, 10)+"/failure", body, nil)
}

// ThrowError throws a BPMN error from a job.
func (c *Client) ThrowError(ctx context.Context, key uint64, code, message string, vars map[string]any) error {
	body := map[string]any{"errorCode": code}
	if message != "" {
		body["errorMessage"] = message
	}
	if vars != nil {
		body["variables"] = vars
	}
	return c.do(ctx, "POST", "/v1/jobs/"+strconv.FormatUint(key, 10)+"/error", body, nil)
}

// ---- incidents ----

// Incident is an open incident.
type Incident struct {
	Key                    uint64    `json:"key"`
	Kind                   string    `json:"kind"`
	ProcessInstanceKey     uint64    `json:"processInstanceKey"`
	RootProcessInstanceKey uint64    `json:"rootProcessInstanceKey"`
	ProcessID              string    `json:"processId"`
	ElementID              string    `json:"elementId"`
	JobKey                 uint64    `json:"jobKey"`
	Message                string    `json:"message"`
	ErrorCode              string    `json:"errorCode"`
	At                     time.Time `json:"at"`
}

// Incidents lists open incidents, of one instance when instance != 0.
func (c *Client) Incidents(ctx context.Context, instance uint64) ([]Incident, error) {
	path := "/v1/incidents"
	if instance != 0 {
		path += "?processInstanceKey=" + strconv.FormatUint(instance, 10)
	}
	var r struct {
		Incidents []Incident `json:"incidents"`
	}
	err := c.do(ctx, "GET", path, nil, &r)
	return r.Incidents, err
}

// Resolve resolves an incident; retries > 0 first gives the job of a
// JOB_NO_RETRIES incident new retries.
func (c *Client) Resolve(ctx context.Context, key uint64, retries int) error {
	body := map[string]any{}
	if retries > 0 {
		body["retries"] = retries
	}
	return c.do(ctx, "POST", "/v1/incidents/"+strconv.FormatUint(key, 10)+"/resolution", body, nil)
}
