package interp

import (
	"math/rand/v2"
	"testing"
)

// TestKeyTableRandomized compares the table with a Go map under random
// insert/delete churn; the seed is printed on failure.
func TestKeyTableRandomized(t *testing.T) {
	seed := uint64(42)
	r := rand.New(rand.NewPCG(seed, seed))
	var kt keyTable[int]
	ref := map[uint64]*int{}
	for i := range 200000 {
		k := uint64(r.IntN(5000) + 1)
		switch r.IntN(3) {
		case 0, 1:
			v := new(int)
			*v = i
			kt.put(k, v)
			ref[k] = v
		default:
			kt.del(k)
			delete(ref, k)
		}
		if i%997 == 0 {
			for k, v := range ref {
				if kt.get(k) != v {
					t.Fatalf("seed %d step %d: get(%d) wrong", seed, i, k)
				}
			}
			if kt.len() != len(ref) {
				t.Fatalf("seed %d step %d: len %d, want %d", seed, i, kt.len(), len(ref))
			}
		}
	}
	n := 0
	kt.each(func(k uint64, v *int) {
		n++
		if ref[k] != v {
			t.Fatalf("each: key %d wrong", k)
		}
	})
	if n != len(ref) {
		t.Fatalf("each visited %d, want %d", n, len(ref))
	}
}
