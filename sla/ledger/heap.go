package ledger

// A heap is a binary min-heap whose elements know their position in it,
// so that one can be moved or removed in O(log n) when its key changes.
// It is the ledger's one heap: of entries on Next, of entries on their
// as-of instant, and of per-calendar run-out instants.
type heap[T any] struct {
	items  []T
	before func(a, b T) bool // the heap's order: a comes before b
	pos    func(T) *int      // where an element keeps its index; -1 when out
}

func (h *heap[T]) len() int { return len(h.items) }

// top returns the first element; the heap must not be empty.
func (h *heap[T]) top() T { return h.items[0] }

func (h *heap[T]) swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	*h.pos(h.items[i]) = i
	*h.pos(h.items[j]) = j
}

// push adds x.
func (h *heap[T]) push(x T) {
	*h.pos(x) = len(h.items)
	h.items = append(h.items, x)
	h.up(len(h.items) - 1)
}

// pop removes and returns the first element; the heap must not be empty.
func (h *heap[T]) pop() T {
	x := h.items[0]
	h.remove(0)
	return x
}

// remove removes the element at index i.
func (h *heap[T]) remove(i int) {
	n := len(h.items) - 1
	x := h.items[i]
	if i != n {
		h.swap(i, n)
	}
	var zero T
	h.items[n] = zero
	h.items = h.items[:n]
	if i != n {
		h.fix(i)
	}
	*h.pos(x) = -1
}

// fix restores the order after the key of the element at index i changed.
func (h *heap[T]) fix(i int) {
	if !h.down(i) {
		h.up(i)
	}
}

// update adds x, or fixes its place if it is in the heap already.
func (h *heap[T]) update(x T) {
	if i := *h.pos(x); i >= 0 {
		h.fix(i)
		return
	}
	h.push(x)
}

func (h *heap[T]) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !h.before(h.items[i], h.items[p]) {
			return
		}
		h.swap(i, p)
		i = p
	}
}

func (h *heap[T]) down(i int) bool {
	start := i
	for {
		c := 2*i + 1
		if c >= len(h.items) {
			break
		}
		if r := c + 1; r < len(h.items) && h.before(h.items[r], h.items[c]) {
			c = r
		}
		if !h.before(h.items[c], h.items[i]) {
			break
		}
		h.swap(i, c)
		i = c
	}
	return i > start
}

// walk calls f for every element for which in is true, from the root,
// looking at no other; in must be false for every element after one for
// which it is false (as "due by now" is on a heap ordered by due time).
func (h *heap[T]) walk(in func(T) bool, f func(T)) {
	if len(h.items) == 0 {
		return
	}
	stack := []int{0}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if i >= len(h.items) || !in(h.items[i]) {
			continue
		}
		f(h.items[i])
		stack = append(stack, 2*i+1, 2*i+2)
	}
}
