package serve

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bpmnrun/bpmnrun/interp"
	"github.com/bpmnrun/bpmnrun/store"
)

// route is one endpoint of the API (openapi.yaml documents each).
type route struct {
	pattern string // "METHOD /path"
	name    string // for metrics
	handle  func(s *Server, w http.ResponseWriter, r *http.Request) error
}

var apiRoutes = []route{
	{"GET /healthz", "healthz", (*Server).handleHealth},
	{"GET /metrics", "metrics", (*Server).handleMetrics},
	{"POST /v1/deployments", "deploy", (*Server).handleDeploy},
	{"GET /v1/deployments", "deployments", (*Server).handleDeployments},
	{"POST /v1/process-instances", "start", (*Server).handleStart},
	{"GET /v1/process-instances/{key}", "instance", (*Server).handleInstance},
	{"POST /v1/process-instances/{key}/cancellation", "cancel", (*Server).handleCancel},
	{"POST /v1/process-instances/{key}/variables", "variables", (*Server).handleVariables},
	{"POST /v1/messages", "publish", (*Server).handlePublish},
	{"POST /v1/jobs/activation", "activate", (*Server).handleActivate},
	{"POST /v1/jobs/{key}/completion", "complete", (*Server).handleComplete},
	{"POST /v1/jobs/{key}/failure", "fail", (*Server).handleFail},
	{"POST /v1/jobs/{key}/error", "error", (*Server).handleError},
	{"GET /v1/incidents", "incidents", (*Server).handleIncidents},
	{"POST /v1/incidents/{key}/resolution", "resolve", (*Server).handleResolve},
}

// routes builds the HTTP API. Every route is wrapped for auth, the body
// size limit and the latency histogram.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range apiRoutes {
		h := rt.handle
		mux.Handle(rt.pattern, s.wrap(rt.name, func(w http.ResponseWriter, r *http.Request) error { return h(s, w, r) }))
	}
	mux.Handle("/", s.wrap("unknown", func(w http.ResponseWriter, r *http.Request) error {
		return apiErr(404, "NOT_FOUND", "no route %s %s (see openapi.yaml)", r.Method, r.URL.Path)
	}))
	return mux
}

// wrap adds auth, the body limit, error reporting and metrics to a handler.
func (s *Server) wrap(name string, h func(w http.ResponseWriter, r *http.Request) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		if s.opts.Token != "" && name != "healthz" && !s.authorized(r) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="bpmnrun"`)
			writeError(w, apiErr(401, "UNAUTHENTICATED", "missing or wrong bearer token"))
			s.metrics.observe(name, 401, time.Since(start))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBody)
		sw := &statusWriter{ResponseWriter: w, status: 200}
		if err := h(sw, r); err != nil {
			apiE := s.toAPIError(err)
			if apiE.Status >= 500 && apiE.Status != 504 {
				s.logf("%s %s: %v", r.Method, r.URL.Path, err)
			}
			writeError(sw, apiE)
		}
		s.metrics.observe(name, sw.status, time.Since(start))
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (s *Server) authorized(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(tok), []byte(s.opts.Token)) == 1
}

// toAPIError maps an error to its HTTP status and code: API errors as
// they are, engine errors by kind, the rest as 500.
func (s *Server) toAPIError(err error) *Error {
	var (
		ae *Error
		mb *http.MaxBytesError
		ev errVersions
	)
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.As(err, &mb):
		return apiErr(413, "TOO_LARGE", "request body larger than %d bytes", mb.Limit)
	case errors.Is(err, interp.ErrNotFound):
		return apiErr(404, "NOT_FOUND", "%v", err)
	case errors.Is(err, interp.ErrDuplicateMessage):
		return apiErr(409, "ALREADY_EXISTS", "%v", err)
	case errors.Is(err, interp.ErrInvalidInput):
		return apiErr(409, "INVALID_STATE", "%v", err)
	case errors.As(err, &ev):
		return apiErr(409, "UNSUPPORTED", "%v", err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return apiErr(503, "UNAVAILABLE", "request canceled: %v", err)
	case store.Retryable(err):
		return apiErr(503, "UNAVAILABLE", "too much contention, try again: %v", err)
	}
	return apiErr(500, "INTERNAL", "%v", err)
}

func writeError(w http.ResponseWriter, e *Error) {
	writeJSON(w, e.Status, e)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	if err := enc.Encode(v); err != nil {
		status = 500
		buf.Reset()
		fmt.Fprintf(&buf, `{"code":"INTERNAL","message":%q}`+"\n", "encoding the answer: "+err.Error())
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// decode reads a JSON request body into v: one object, no unknown fields.
func decode(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return err
		}
		if errors.Is(err, io.EOF) {
			return apiErr(400, "INVALID_ARGUMENT", "empty request body: a JSON object is required")
		}
		return apiErr(400, "INVALID_ARGUMENT", "malformed JSON body: %v", err)
	}
	if dec.More() {
		return apiErr(400, "INVALID_ARGUMENT", "malformed JSON body: more than one value")
	}
	if _, err := dec.Token(); err != io.EOF {
		return apiErr(400, "INVALID_ARGUMENT", "malformed JSON body: trailing data")
	}
	return nil
}

// decodeOptional is decode for bodies that may be empty.
func decodeOptional(r *http.Request, v any) error {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	r.Body = io.NopCloser(bytes.NewReader(data))
	return decode(r, v)
}

func pathKey(r *http.Request) (uint64, error) {
	k, err := strconv.ParseUint(r.PathValue("key"), 10, 64)
	if err != nil || k == 0 {
		return 0, apiErr(400, "INVALID_ARGUMENT", "bad key %q: want a positive integer", r.PathValue("key"))
	}
	return k, nil
}

func noContent(w http.ResponseWriter, warning string) {
	if warning != "" {
		writeJSON(w, 200, map[string]string{"warning": warning})
		return
	}
	w.WriteHeader(204)
}

// ---- handlers ----

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		return apiErr(503, "UNAVAILABLE", "database: %v", err)
	}
	writeJSON(w, 200, map[string]string{"status": "ok", "store": s.db.Kind().String()})
	return nil
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	s.metrics.write(w, s.keys.blocks.Load())
	return nil
}

func (s *Server) handleDeploy(w http.ResponseWriter, r *http.Request) error {
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return apiErr(400, "INVALID_ARGUMENT", "empty body: POST the .bpmn file")
	}
	name := r.URL.Query().Get("name")
	if name == "" {
		name = "model.bpmn"
	}
	resp, err := s.Deploy(r.Context(), name, data)
	if err != nil {
		return err
	}
	status := 201
	if resp.Duplicate {
		status = 200
	}
	writeJSON(w, status, resp)
	return nil
}

func (s *Server) handleDeployments(w http.ResponseWriter, r *http.Request) error {
	if err := s.reg.refresh(r.Context(), s.db); err != nil {
		return err
	}
	s.reg.mu.Lock()
	ids := make([]int64, 0, len(s.reg.byID))
	for id := range s.reg.byID {
		ids = append(ids, id)
	}
	s.reg.mu.Unlock()
	sortInt64(ids)
	out := []DeployResponse{}
	for _, id := range ids {
		out = append(out, deployResponse(s.reg.get(id), false))
	}
	writeJSON(w, 200, map[string]any{"deployments": out})
	return nil
}

func (s *Server) handleStart(w http.ResponseWriter, r *http.Request) error {
	var req StartRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	resp, err := s.Start(r.Context(), req)
	if err != nil {
		return err
	}
	status := 201
	if req.AwaitCompletion || resp.State != "active" {
		status = 200
	}
	writeJSON(w, status, resp)
	return nil
}

func (s *Server) handleInstance(w http.ResponseWriter, r *http.Request) error {
	key, err := pathKey(r)
	if err != nil {
		return err
	}
	trace := false
	if v := r.URL.Query().Get("trace"); v != "" {
		if trace, err = strconv.ParseBool(v); err != nil {
			return apiErr(400, "INVALID_ARGUMENT", "trace=%q: want true or false", v)
		}
	}
	resp, err := s.Instance(r.Context(), key, trace)
	if err != nil {
		return err
	}
	writeJSON(w, 200, resp)
	return nil
}

func (s *Server) handleCancel(w http.ResponseWriter, r *http.Request) error {
	key, err := pathKey(r)
	if err != nil {
		return err
	}
	warning, err := s.Cancel(r.Context(), key)
	if err != nil {
		return err
	}
	noContent(w, warning)
	return nil
}

func (s *Server) handleVariables(w http.ResponseWriter, r *http.Request) error {
	key, err := pathKey(r)
	if err != nil {
		return err
	}
	var req VariablesRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	warning, err := s.SetVariables(r.Context(), key, req)
	if err != nil {
		return err
	}
	noContent(w, warning)
	return nil
}

func (s *Server) handlePublish(w http.ResponseWriter, r *http.Request) error {
	var req PublishRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	resp, err := s.Publish(r.Context(), req)
	if err != nil {
		return err
	}
	writeJSON(w, 200, resp)
	return nil
}

func (s *Server) handleActivate(w http.ResponseWriter, r *http.Request) error {
	var req ActivateRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	resp, err := s.Activate(r.Context(), req)
	if err != nil {
		return err
	}
	writeJSON(w, 200, resp)
	return nil
}

func (s *Server) handleComplete(w http.ResponseWriter, r *http.Request) error {
	key, err := pathKey(r)
	if err != nil {
		return err
	}
	var req CompleteRequest
	if err := decodeOptional(r, &req); err != nil {
		return err
	}
	warning, err := s.Complete(r.Context(), key, req)
	if err != nil {
		return err
	}
	noContent(w, warning)
	return nil
}

func (s *Server) handleFail(w http.ResponseWriter, r *http.Request) error {
	key, err := pathKey(r)
	if err != nil {
		return err
	}
	var req FailRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	warning, err := s.Fail(r.Context(), key, req)
	if err != nil {
		return err
	}
	noContent(w, warning)
	return nil
}

func (s *Server) handleError(w http.ResponseWriter, r *http.Request) error {
	key, err := pathKey(r)
	if err != nil {
		return err
	}
	var req ErrorRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	warning, err := s.ThrowError(r.Context(), key, req)
	if err != nil {
		return err
	}
	noContent(w, warning)
	return nil
}

func (s *Server) handleIncidents(w http.ResponseWriter, r *http.Request) error {
	var root uint64
	if v := r.URL.Query().Get("processInstanceKey"); v != "" {
		k, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return apiErr(400, "INVALID_ARGUMENT", "processInstanceKey=%q: want a positive integer", v)
		}
		root = k
	}
	incs, err := s.Incidents(r.Context(), root)
	if err != nil {
		return err
	}
	writeJSON(w, 200, map[string]any{"incidents": incs})
	return nil
}

func (s *Server) handleResolve(w http.ResponseWriter, r *http.Request) error {
	key, err := pathKey(r)
	if err != nil {
		return err
	}
	var req ResolveRequest
	if err := decodeOptional(r, &req); err != nil {
		return err
	}
	warning, err := s.Resolve(r.Context(), key, req)
	if err != nil {
		return err
	}
	noContent(w, warning)
	return nil
}
