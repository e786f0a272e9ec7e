package sim

import (
	"bufio"
	"encoding/csv"
	"encoding/xml"
	"io"
	"slices"
	"strconv"
	"time"
)

// eventLog writes the simulated event log of one replication: a CSV row
// per job attempt as it ends, and an XES trace per case as it ends (the
// attempts of a case are held until then, so memory stays proportional
// to the active cases).
type eventLog struct {
	csv *csv.Writer
	xes *bufio.Writer
	err error
}

// logRow is one job attempt.
type logRow struct {
	activity, resource, result string
	enq, begin, end            int64
}

const logTime = "2006-01-02T15:04:05.000Z07:00"

func newEventLog(csvW, xesW io.Writer) *eventLog {
	l := &eventLog{}
	if csvW != nil {
		l.csv = csv.NewWriter(csvW)
		l.err = l.csv.Write([]string{"case", "activity", "element", "resource", "enqueue", "start", "end", "result"})
	}
	if xesW != nil {
		l.xes = bufio.NewWriter(xesW)
		_, err := l.xes.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0" xes.features="nested-attributes" xmlns="http://www.xes-standard.org/">
  <extension name="Concept" prefix="concept" uri="http://www.xes-standard.org/concept.xesext"/>
  <extension name="Time" prefix="time" uri="http://www.xes-standard.org/time.xesext"/>
  <extension name="Lifecycle" prefix="lifecycle" uri="http://www.xes-standard.org/lifecycle.xesext"/>
  <extension name="Organizational" prefix="org" uri="http://www.xes-standard.org/org.xesext"/>
  <string key="concept:name" value="bpmnrun simulation"/>
`)
		l.setErr(err)
	}
	return l
}

func (l *eventLog) setErr(err error) {
	if l.err == nil {
		l.err = err
	}
}

func caseName(c *caseRec, inst uint64) string {
	if c != nil && c.no > 0 {
		return strconv.Itoa(c.no)
	}
	return "i" + strconv.FormatUint(inst, 10) // a called process: its instance key
}

func resourceName(rec *jobRec) string {
	p := rec.el.pool
	switch {
	case p == nil:
		return ""
	case p.Size == 1:
		return p.Name
	}
	return p.Name + "-" + strconv.Itoa(rec.server+1)
}

// row records an attempt of rec that ends now.
func (l *eventLog) row(r *replication, c *caseRec, rec *jobRec, result string) {
	n := rec.el.info.node
	act := n.Name
	if act == "" {
		act = n.ID
	}
	row := logRow{activity: act, resource: resourceName(rec), result: result, enq: rec.enq, begin: rec.begin, end: r.now}
	if l.csv != nil {
		l.setErr(l.csv.Write([]string{caseName(c, rec.inst), act, n.ID, row.resource,
			r.at(row.enq).Format(logTime), r.at(row.begin).Format(logTime), r.at(row.end).Format(logTime), result}))
	}
	if l.xes != nil && c != nil {
		c.xes = append(c.xes, row)
	}
}

type xesEvent struct {
	at         int64
	name, res  string
	transition string
}

// caseEnded writes the XES trace of a case.
func (l *eventLog) caseEnded(r *replication, c *caseRec, inst uint64) {
	if l.xes == nil {
		return
	}
	var evs []xesEvent
	for _, row := range c.xes {
		end := "complete"
		if row.result != "completed" {
			end = "ate_abort"
		}
		evs = append(evs, xesEvent{row.begin, row.activity, row.resource, "start"}, xesEvent{row.end, row.activity, row.resource, end})
	}
	slices.SortStableFunc(evs, func(a, b xesEvent) int { return int(min(max(a.at-b.at, -1), 1)) })
	w := l.xes
	w.WriteString("  <trace>\n    <string key=\"concept:name\" value=\"" + caseName(c, inst) + "\"/>\n")
	for _, e := range evs {
		w.WriteString("    <event>\n      <string key=\"concept:name\" value=\"")
		xml.EscapeText(w, []byte(e.name))
		w.WriteString("\"/>\n      <string key=\"lifecycle:transition\" value=\"" + e.transition + "\"/>\n")
		if e.res != "" {
			w.WriteString("      <string key=\"org:resource\" value=\"")
			xml.EscapeText(w, []byte(e.res))
			w.WriteString("\"/>\n")
		}
		w.WriteString("      <date key=\"time:timestamp\" value=\"" + r.at(e.at).Format(time.RFC3339Nano) + "\"/>\n    </event>\n")
	}
	_, err := w.WriteString("  </trace>\n")
	l.setErr(err)
	c.xes = nil
}

// close finishes the log and returns the first write error.
func (l *eventLog) close() error {
	if l.csv != nil {
		l.csv.Flush()
		l.setErr(l.csv.Error())
	}
	if l.xes != nil {
		_, err := l.xes.WriteString("</log>\n")
		l.setErr(err)
		l.setErr(l.xes.Flush())
	}
	return l.err
}
