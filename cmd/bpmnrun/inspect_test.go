package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestDotID(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", `"plain"`},
		{`say "hi"`, `"say \"hi\""`},
		{`C:\dir`, `"C:\\dir"`},
		{"two\nlines", `"two\nlines"`},
		{"crlf\r\nline", `"crlf\nline"`},
		{`\N`, `"\\N"`}, // not DOT's "node name" escape
	}
	for _, tt := range tests {
		if got := dotID(tt.in); got != tt.want {
			t.Errorf("dotID(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestAttrValue(t *testing.T) {
	tests := []struct{ in, want string }{
		{"reserve-stock", "reserve-stock"},
		{"PT10M", "PT10M"},
		{"R3/PT1H", "R3/PT1H"},
		{"=orderId", `"=orderId"`},
		{"a b", `"a b"`},
		{"line\nbreak", `"line\nbreak"`},
	}
	for _, tt := range tests {
		if got := attrValue(tt.in); got != tt.want {
			t.Errorf("attrValue(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

// TestBundledModels checks that every model shipped in models/ is valid and
// can be inspected, and that concurrent runs of the CLI in one process give
// identical output (run with -race, this also proves the commands share no
// mutable state).
func TestBundledModels(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "..", "models", "*", "*.bpmn"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no models found: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			for _, args := range [][]string{
				{"validate", file},
				{"validate", "--format", "json", file},
				{"inspect", file},
				{"inspect", "--dot", file},
			} {
				outs := make([]string, 4)
				var wg sync.WaitGroup
				for i := range outs {
					wg.Go(func() {
						var stdout, stderr bytes.Buffer
						if code := run(args, strings.NewReader(""), &stdout, &stderr); code != exitOK {
							t.Errorf("bpmnrun %s: exit %d\n%s", strings.Join(args, " "), code, stderr.String())
						}
						if stderr.Len() > 0 {
							t.Errorf("bpmnrun %s: stderr:\n%s", strings.Join(args, " "), stderr.String())
						}
						outs[i] = stdout.String()
					})
				}
				wg.Wait()
				for i := range outs {
					if outs[i] != outs[0] {
						t.Errorf("bpmnrun %s: run %d printed\n%s\nrun 0 printed\n%s", strings.Join(args, " "), i, outs[i], outs[0])
					}
				}
				if args[0] == "validate" && len(args) == 2 && outs[0] != "ok "+file+"\n" {
					t.Errorf("bpmnrun validate %s printed %q, want %q", file, outs[0], "ok "+file+"\n")
				}
			}
		})
	}
}

// TestOrderModel pins down what the demo model promises in the README:
// the two jobs, the payment decision with its default flow, and the
// confirmation message raced against a ten-minute timer.
func TestOrderModel(t *testing.T) {
	var stdout, stderr bytes.Buffer
	file := filepath.Join("..", "..", "models", "order", "order.bpmn")
	if code := run([]string{"inspect", file}, strings.NewReader(""), &stdout, &stderr); code != exitOK {
		t.Fatalf("inspect %s: exit %d\n%s", file, code, stderr.String())
	}
	for _, want := range []string{
		`process order "Order" executable`,
		`reserve_stock: serviceTask "Reserve stock" job=reserve-stock`,
		`charge_payment: serviceTask "Charge payment" job=charge-payment`,
		`-> await_confirmation [payment_ok "yes"] when "=paid = true"`,
		`-> order_rejected [payment_declined "no"] default`,
		`await_confirmation: eventBasedGateway`,
		`-> payment_confirmed [to_payment_confirmed]`,
		`-> confirmation_timeout [to_confirmation_timeout]`,
		`payment_confirmed: intermediateCatchEvent "Payment confirmed" message=payment-confirmed correlationKey="=orderId"`,
		`confirmation_timeout: intermediateCatchEvent "10 minutes" timeDuration=PT10M`,
		`order_completed: endEvent "Order completed"`,
		`order_timed_out: endEvent "Order timed out"`,
		`order_rejected: endEvent "Order rejected"`,
	} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("inspect output lacks %q; got:\n%s", want, stdout.String())
		}
	}
}
