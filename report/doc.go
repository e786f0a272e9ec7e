// Package report draws BPMN diagrams as SVG and writes the reports people
// look at: one self-contained HTML page with the diagram as a heat map,
// plots, key figures, the parameters and the seed; and a page comparing
// two such reports.
//
// # Entry points
//
//	WriteSVG(w io.Writer, defs *bpmn.Definitions, opt SVGOptions) error
//	WriteHTML(w io.Writer, r Report) error
//	WriteCompareHTML(w io.Writer, a, b Report, diffs []DiffRow) error
//	FormatValue(v float64, u Unit) string
//
// The package depends on bpmn only. A Report is plain data; package
// report/simreport builds one from a simulation result, and anything else
// (a test, another tool) may build one by hand.
//
// # Diagrams
//
// WriteSVG draws the first diagram of a model from its BPMN DI: tasks as
// rounded rectangles with their name wrapped inside and a type icon
// (service, user, send, receive, script, manual, business rule), call
// activities with a thick border, transactions with a double one, expanded
// subprocesses around their children, collapsed ones with a "+" marker,
// event subprocesses dotted; multi-instance and compensation markers;
// events as circles (start thin, end thick, intermediate and boundary
// double, non-interrupting dashed) with the marker of their definition,
// filled when throwing; gateways as diamonds with X, +, O or the
// event-based pentagon; sequence flows with arrowheads, a slash on default
// flows and a diamond at the source of conditional flows leaving an
// activity; associations dotted; message flows dashed with a circle and an
// open arrowhead; pools with their name, lanes as plain rectangles (lanes
// are not modelled by package bpmn, so they have no name). Labels go to
// their DI label bounds, or centred under events and gateways and on
// flows.
//
// A model without DI is laid out automatically (see layout.go and
// docs/reports.md): layered, left to right, subprocesses laid out
// recursively and drawn expanded, boundary events on the bottom edge of
// their activity, event subprocesses under their scope, pools stacked. The
// layout never makes two shapes overlap (tested on every MIWG reference
// model and every corpus fixture without DI).
//
// Every element is a group with id IDPrefix+ID, data-element=ID and a
// <title> (the hover text: name, kind, id and the heat-map values). Text is
// escaped. Output is deterministic: the same model and options give the
// same bytes; nothing iterates over a map to decide what is written.
//
// # Heat maps
//
// An Overlay maps element ids to values (mean waiting time, utilisation,
// share of cases). Values are coloured from white (0) through ColorBrewer's
// YlOrRd scheme to dark red (the maximum), a sequential scale that stays
// readable with colour-vision deficiencies and in greyscale; NaN is grey
// ("no data"); text and markers turn white on dark fills. A legend shows
// the scale. In the HTML page every overlay is a tab; the tabs switch the
// colours with CSS alone (radio buttons and CSS variables set on each
// element), so the page has no script.
//
// # Plots
//
// Histograms, line charts and horizontal bar charts are drawn as small
// SVGs by hand, with axes at nice ticks (Heckbert, Graphics Gems 1990),
// durations in the largest fitting unit, and series in the Okabe–Ito
// palette. The pages load nothing: no scripts, fonts, images or style
// sheets from anywhere.
package report
