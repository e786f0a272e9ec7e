// Package feel compiles the expressions of BPMN models — conditions,
// correlation keys, timer values, input and output mappings, scripts —
// once, at load, into trees of closures, and evaluates them.
//
// # Forms
//
// Compile and CompileValue read the source, white space around it ignored:
//
//	=amount > 100 and status = "ok"     FEEL (Camunda 8, Zeebe)
//	${amount > 100 && status == 'ok'}   JUEL (Camunda 7); #{...} too
//	Order ${orderId} received           JUEL composite text: a string
//	amount > 100                        Compile: FEEL; CompileValue: a literal string
//
// A JUEL source that is exactly one ${...} has the value of its expression;
// with text around or several parts, the parts are concatenated as strings
// (null as ""), and \${ stands for a literal "${". CompileValue reads a
// bare source as a literal string, as Zeebe reads timer values, job types
// and message names; Compile reads it as FEEL, as some modelers write
// conditions without "=". CompileValue also takes JUEL parts inside text
// ("PT${minutes}M"), Compile only at the start.
//
// Anything outside the subsets below is rejected by Compile with an
// *Error wrapping ErrSyntax, located by byte offset and printed with a
// caret under the offending token.
//
// # FEEL subset
//
// Literals: numbers (12, 1.5, .5; no exponent), strings in double quotes
// with the escapes \" \' \\ \n \r \t \uXXXX, true, false, null. Names are
// letters, digits and "_", not starting with a digit; `backticks` quote
// any other name (`order-id`). Variables cannot be multi-word; the words
// true false null and or not if then else between in for some every
// return satisfies instance of function are reserved.
//
// Operators, loosest binding first:
//
//	if c then a else b                  a if c is true, else b (null included)
//	or, and                             three-valued
//	= != < <= > >=                      not chained
//	x between a and b                   a <= x and x <= b
//	x in t                              t: [1,2] (list membership), 5 (equality),
//	                                    < 5, (1..10], ]1..10[, [a..b), (t1, t2, ...)
//	+ -                                 numbers; + also joins strings
//	* /
//	-x                                  unary minus: -2 ** 2 = -4
//	**                                  right-associative: 2 ** 3 ** 2 = 512
//	a.b  a[i]  a[filter]                path, index, filter
//
// Lists [1, 2] and contexts {a: 1, "b c": 2, first name: "x"} can be
// written as literals; context entries cannot refer to each other. A path
// a.b reads entry b of context a; on a list it maps over the elements
// ([{a: 1}, {a: 2}].a = [1, 2]); on a date-time it reads year, month,
// day, weekday (1 is Monday), hour, minute, second; on a duration years,
// months, days, hours, minutes, seconds. l[i] counts from 1, and from -1
// backwards; out of range it is null. ctx["b c"] reads a context entry. Any
// other selector filters the list: it is evaluated for each element with
// item bound to the element and, for a context element, its entries in
// scope (orders[amount > 10], l[item > 2]).
//
// Built-in functions, some with names of several words:
//
//	count(l) sum(l) min(l) max(l)       sum, min and max also take (a, b, ...)
//	list contains(l, x) append(l, x...)
//	string length(s) upper case(s) lower case(s) substring(s, start, len?)
//	contains(s, t) starts with(s, t) ends with(s, t)
//	string(x) number(s) not(b) is defined(x)
//	abs(n) floor(n) ceiling(n)
//	now() date and time(s) duration(s)
//
// substring counts characters from 1 (negative: from the end). is
// defined(x) is true if variable or context entry x exists, even holding
// null. now() returns the time given to EvalAt and fails under Eval.
// Arguments of the wrong type give null; a wrong number of arguments and
// an unknown function are rejected by Compile (with "did you mean").
// Unsupported: for, some, every, function definitions, instance of, named
// arguments, and the other built-ins of the FEEL standard.
//
// # JUEL subset
//
// Unified EL 2.2 without functions, method calls and lambdas:
// literals (numbers with optional exponent, 'single' or "double" quoted
// strings with \' \" \\, true, false, null), names (letters, digits, "_",
// "$"), a.b and a['k'] or a[0] (lists count from 0), unary - ! not empty,
// * / div % mod, + -, < > <= >= lt gt le ge, == != eq ne, && and, || or,
// and c ? a : b.
//
// # Values
//
// Values are nil (null), bool, float64 (every number), string, []any
// (list), map[string]any (context), time.Time (date-time) and Duration
// (ISO 8601 duration; years and months are calendar months, days calendar
// days, see Duration.AddTo). Values read from Vars, lists and contexts
// are converted on access: Go integer and float types, json.Number and
// named types of basic kinds to float64 or string, time.Duration to
// Duration, other slices to []any and maps with string keys to
// map[string]any; nil slices and maps are null, as in JSON. Other Go
// values are passed through; comparing them gives null. Numbers are IEEE doubles, not FEEL decimals: 0.1 + 0.2 is
// not 0.3, and integers beyond 2^53 lose precision.
//
// A result may share lists and contexts with the variables it was
// computed from; lists and contexts written as literals are copied for
// every evaluation. Evaluation never modifies a value it reads.
//
// # FEEL semantics
//
// A variable that Vars does not define is null, and so is an entry a
// context does not have. FEEL never fails on values: an operation on
// values it does not apply to gives null. In detail:
//
//   - x = null is true iff x is null; = and != between values of different
//     types (1 = "1") are null; lists and contexts are equal element by
//     element.
//   - < <= > >= order numbers, strings, date-times and durations of the
//     same kind (day-time or year-month); with null or other types they
//     are null, not an error.
//   - and is false if either side is false, true if both are true, else
//     null; or likewise. A non-boolean operand counts as null. not(x) of a
//     non-boolean is null. if treats null as false.
//   - Arithmetic on numbers; string + string; date-time ± duration;
//     date-time - date-time (a day-time duration); duration ± duration;
//     duration × or ÷ number; duration ÷ duration. Anything else, division
//     by zero, numbers that are not finite, date-times outside the years 1
//     to 9999 and durations beyond ±292 years are null.
//   - now() without an evaluation time (Eval rather than EvalAt) is the
//     only failure: an *Error wrapping ErrEval.
//
// # JUEL semantics
//
// JUEL follows the coercions of the EL specification and fails where EL
// throws, with an *Error wrapping ErrEval at the operator:
//
//   - A variable that Vars does not define fails ("unknown variable"), as
//     in Camunda 7; a missing map entry, an index beyond a list and any
//     property or index of null are null.
//   - Arithmetic coerces null to 0 and numeric strings to numbers; other
//     operands, division by zero and overflow fail. + does not join
//     strings.
//   - == and != compare null only with null; with a number on one side
//     both are coerced to numbers, with a boolean to booleans, with a
//     string to strings. < <= > >= with null are false; a number and a
//     numeric string compare as numbers; other mixed types fail.
//   - &&, ||, !, and ?: coerce null to false and a string to whether it is
//     "true"; other operands fail. empty x is true for null, "", and empty
//     lists and maps.
//
// # Conditions
//
// A condition must not be silently true or false: EvalBool fails, with an
// *Error wrapping ErrEval, when the result is not a boolean — null from a
// missing variable, a null comparison or a division by zero included —
// and names the variables of the expression that Vars does not define.
//
// # Concurrency and speed
//
// An *Expr is immutable and safe for concurrent use. Compile folds every
// part that refers to no variable into a constant, resolves built-ins
// and, for a comparison of a variable with a constant number or string,
// builds a closure that compares without boxing. Evaluating
// "=amount > 100 and status = \"ok\"" against a MapVars allocates nothing;
// see BenchmarkEvalCondition.
//
// # Date-times, durations and cycles
//
// ParseDateTime, ParseDuration and ParseCycle read the ISO 8601 forms of
// BPMN timers; Duration.AddTo adds calendar-aware. ToString converts
// correlation keys and Format displays any value as a FEEL literal.
package feel
