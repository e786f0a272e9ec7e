package interp

// keyTable maps uint64 keys (never 0) to pointers: an open-addressing hash
// table with linear probing and backward-shift deletion. It is faster than
// a Go map for the engine's insert-lookup-delete churn, and iteration order
// is never used to decide anything (callers sort).
type keyTable[T any] struct {
	keys []uint64
	vals []*T
	n    int
}

func (t *keyTable[T]) slot(k uint64) int {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	return int(k & uint64(len(t.keys)-1))
}

// get returns the value of k, or nil.
func (t *keyTable[T]) get(k uint64) *T {
	if len(t.keys) == 0 {
		return nil
	}
	for i := t.slot(k); ; i = (i + 1) & (len(t.keys) - 1) {
		switch t.keys[i] {
		case k:
			return t.vals[i]
		case 0:
			return nil
		}
	}
}

// put sets k to v.
func (t *keyTable[T]) put(k uint64, v *T) {
	if (t.n+1)*4 > len(t.keys)*3 {
		t.grow()
	}
	i := t.slot(k)
	for t.keys[i] != 0 && t.keys[i] != k {
		i = (i + 1) & (len(t.keys) - 1)
	}
	if t.keys[i] == 0 {
		t.n++
	}
	t.keys[i], t.vals[i] = k, v
}

// del removes k.
func (t *keyTable[T]) del(k uint64) {
	if len(t.keys) == 0 {
		return
	}
	mask := len(t.keys) - 1
	i := t.slot(k)
	for t.keys[i] != k {
		if t.keys[i] == 0 {
			return
		}
		i = (i + 1) & mask
	}
	t.n--
	// backward-shift: move later entries of the probe run into the hole
	for j := (i + 1) & mask; t.keys[j] != 0; j = (j + 1) & mask {
		home := t.slot(t.keys[j])
		if (j > i && (home <= i || home > j)) || (j < i && home <= i && home > j) {
			t.keys[i], t.vals[i] = t.keys[j], t.vals[j]
			i = j
		}
	}
	t.keys[i], t.vals[i] = 0, nil
}

func (t *keyTable[T]) grow() {
	keys, vals := t.keys, t.vals
	size := 16
	if len(keys) > 0 {
		size = len(keys) * 2
	}
	t.keys, t.vals, t.n = make([]uint64, size), make([]*T, size), 0
	for i, k := range keys {
		if k != 0 {
			t.put(k, vals[i])
		}
	}
}

// len returns the number of entries.
func (t *keyTable[T]) len() int { return t.n }

// each calls f for every entry, in no particular order.
func (t *keyTable[T]) each(f func(k uint64, v *T)) {
	for i, k := range t.keys {
		if k != 0 {
			f(k, t.vals[i])
		}
	}
}
