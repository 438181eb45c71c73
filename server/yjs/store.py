"""Yjs items integrated the way yjs `Item.integrate` does (YATA), with splits and deletions.

`tree` turns the result into plain nodes; `positions` resolves relative positions on it, as Yjs does.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Final

from server.yjs.update import ID, ContentRef, DeleteSet, Struct, TypeContent, decode_update

_PENDING: Final = 0
_VISITING: Final = 1
_DONE: Final = 2
# Never integrated: it depends on something the state lacks (Yjs keeps such items pending).
_DEAD: Final = 3


class Branch:
    """A shared type while integrating: the start of its sequence and the current item of each key."""

    __slots__ = ("holder", "keys", "name", "start", "type_ref")

    def __init__(self, type_ref: int | None, name: str | None, holder: ID | None = None) -> None:
        self.type_ref = type_ref
        self.name = name
        self.holder = holder
        """The id of the item that holds this type; None for a root."""
        self.start: Item | None = None
        self.keys: dict[str, Item] = {}


class Item:
    """A struct of the state while integrating; a split makes two of one."""

    __slots__ = (
        "branch",
        "client",
        "clock",
        "content",
        "deleted",
        "left",
        "length",
        "origin",
        "parent",
        "parent_id",
        "parent_sub",
        "ref",
        "right",
        "right_origin",
        "state",
    )

    def __init__(self, struct: Struct) -> None:
        self.client = struct.client
        self.clock = struct.clock
        self.length = struct.length
        self.ref = struct.ref
        self.content = struct.content
        self.origin = struct.origin
        self.right_origin = struct.right_origin
        self.parent_id = struct.parent
        self.parent_sub = struct.parent_sub
        self.parent: Branch | None = None
        self.left: Item | None = None
        self.right: Item | None = None
        self.deleted = struct.ref == ContentRef.DELETED
        self.state = _DONE if struct.ref == ContentRef.GC else _PENDING
        self.branch: Branch | None = None
        if isinstance(struct.content, TypeContent):
            self.branch = Branch(struct.content.type_ref, struct.content.name, (struct.client, struct.clock))

    @property
    def integrated(self) -> bool:
        """In the document: not waiting for (or cut off from) what it depends on."""
        return self.state == _DONE

    @property
    def countable(self) -> bool:
        """Takes room in its sequence when visible (formatting marks and deleted content do not)."""
        return self.ref not in (ContentRef.FORMAT, ContentRef.DELETED, ContentRef.GC)


class Store:
    """Every struct of one state by client and clock, and the root types they hang from."""

    def __init__(self, structs: list[Struct]) -> None:
        self.clocks: dict[int, list[int]] = {}
        self.items: dict[int, list[Item]] = {}
        self.roots: dict[str, Branch] = {}
        for struct in structs:
            if struct.ref == ContentRef.SKIP:
                continue
            clocks = self.clocks.setdefault(struct.client, [])
            items = self.items.setdefault(struct.client, [])
            item = Item(struct)
            expected = items[-1].clock + items[-1].length if items else 0
            if struct.clock > expected or (items and items[-1].state == _DEAD):
                # Yjs integrates a client's structs strictly in clock order: after a gap, nothing.
                item.state = _DEAD
            clocks.append(item.clock)
            items.append(item)

    @classmethod
    def of_state(cls, state: bytes) -> Store:
        """Every item of an encoded document state, integrated, with its deletions applied.

        Raises MalformedUpdateError when `state` does not decode.
        """
        update = decode_update(state)
        store = cls(update.structs)
        store.integrate_all()
        store.apply_deletions(update.delete_set)
        return store

    def find(self, client: int, clock: int) -> Item | None:
        clocks = self.clocks.get(client)
        if clocks is None:
            return None
        i = bisect_right(clocks, clock) - 1
        if i < 0:
            return None
        item = self.items[client][i]
        return item if clock < item.clock + item.length else None

    def integrate_all(self) -> None:
        for client in sorted(self.items):
            for item in list(self.items[client]):
                if item.state == _PENDING:
                    self._integrate_with_dependencies(item)

    def _integrate_with_dependencies(self, first: Item) -> None:
        stack = [first]
        first.state = _VISITING
        while stack:
            item = stack[-1]
            dependency = self._pending_dependency(item)
            if dependency is None:
                if item.state == _VISITING:
                    self._integrate(item)
                stack.pop()
            elif dependency.state == _VISITING:
                # Items that wait for each other: Yjs keeps them pending forever; so do we.
                item.state = _DEAD
                stack.pop()
            else:
                dependency.state = _VISITING
                stack.append(dependency)

    def _pending_dependency(self, item: Item) -> Item | None:
        """The first dependency still to integrate; marks `item` dead when one can never be."""
        parent = item.parent_id
        for dep in (
            (item.client, item.clock - 1) if item.clock > 0 else None,
            item.origin,
            item.right_origin,
            parent if isinstance(parent, tuple) else None,
        ):
            if dep is None:
                continue
            found = self.find(dep[0], dep[1])
            if found is None or found.state == _DEAD:
                item.state = _DEAD
                return None
            if found.state != _DONE:
                return found
        return None

    def _integrate(self, item: Item) -> None:
        item.state = _DONE
        left = self._clean_end(item.origin) if item.origin is not None else None
        right = self._clean_start(item.right_origin) if item.right_origin is not None else None
        if (left is not None and left.ref == ContentRef.GC) or (
            right is not None and right.ref == ContentRef.GC
        ):
            self._collect(item)
            return
        parent_id = item.parent_id
        if parent_id is None:
            # The decoder guarantees an origin or a right origin when no parent is written.
            neighbour = left if left is not None else right
            assert neighbour is not None
            item.parent = neighbour.parent
            item.parent_sub = neighbour.parent_sub
        elif isinstance(parent_id, str):
            root = self.roots.get(parent_id)
            if root is None:
                root = self.roots[parent_id] = Branch(None, parent_id)
            item.parent = root
        else:
            holder = self.find(parent_id[0], parent_id[1])
            item.parent = holder.branch if holder is not None else None
        if item.parent is None:
            self._collect(item)
            return
        item.left = left
        item.right = right
        self._place(item, item.parent)

    def _place(self, item: Item, parent: Branch) -> None:
        left = item.left
        right = item.right
        sub = item.parent_sub
        if (left is None and (right is None or right.left is not None)) or (
            left is not None and left.right is not right
        ):
            o: Item | None
            if left is not None:
                o = left.right
            elif sub is not None:
                o = parent.keys.get(sub)
                while o is not None and o.left is not None:
                    o = o.left
            else:
                o = parent.start
            conflicting: set[Item] = set()
            before_origin: set[Item] = set()
            while o is not None and o is not right:
                before_origin.add(o)
                conflicting.add(o)
                if item.origin == o.origin:
                    if o.client < item.client:
                        left = o
                        conflicting.clear()
                    elif item.right_origin == o.right_origin:
                        break
                elif o.origin is not None and (origin_item := self.find(*o.origin)) in before_origin:
                    if origin_item not in conflicting:
                        left = o
                        conflicting.clear()
                else:
                    break
                o = o.right
            item.left = left
        if left is not None:
            item.right = left.right
            left.right = item
        else:
            if sub is not None:
                first = parent.keys.get(sub)
                while first is not None and first.left is not None:
                    first = first.left
            else:
                first = parent.start
                parent.start = item
            item.right = first
        if item.right is not None:
            item.right.left = item
            if sub is not None:
                item.deleted = True
        elif sub is not None:
            parent.keys[sub] = item
            if left is not None:
                left.deleted = True

    def _collect(self, item: Item) -> None:
        # What Yjs does with an item whose neighbour or parent was garbage-collected: it becomes GC.
        item.ref = ContentRef.GC
        item.content = None
        item.branch = None

    def _clean_end(self, id_: ID) -> Item:
        item = self.find(id_[0], id_[1])
        assert item is not None, "dependencies are integrated first"
        last = item.clock + item.length - 1
        if id_[1] != last and item.ref != ContentRef.GC:
            self._split(item, id_[1] - item.clock + 1)
        return item

    def _clean_start(self, id_: ID) -> Item:
        item = self.find(id_[0], id_[1])
        assert item is not None, "dependencies are integrated first"
        if id_[1] != item.clock and item.ref != ContentRef.GC:
            return self._split(item, id_[1] - item.clock)
        return item

    def _split(self, item: Item, offset: int) -> Item:
        """Cut `item` after `offset` units; the right part becomes its own item right after it."""
        right = Item.__new__(Item)
        right.client = item.client
        right.clock = item.clock + offset
        right.length = item.length - offset
        right.ref = item.ref
        item.content, right.content = _split_content(item, offset)
        right.origin = (item.client, item.clock + offset - 1)
        right.right_origin = item.right_origin
        right.parent_id = item.parent_id
        right.parent = item.parent
        right.parent_sub = item.parent_sub
        right.deleted = item.deleted
        right.state = item.state
        right.branch = None
        right.left = item
        right.right = item.right
        item.length = offset
        if item.state == _DONE:
            item.right = right
            if right.right is not None:
                right.right.left = right
            elif right.parent_sub is not None and right.parent is not None:
                right.parent.keys[right.parent_sub] = right
        else:
            right.left = None
        clocks = self.clocks[item.client]
        index = bisect_right(clocks, item.clock)
        clocks.insert(index, right.clock)
        self.items[item.client].insert(index, right)
        return right

    def apply_deletions(self, delete_set: DeleteSet) -> None:
        for client, ranges in delete_set.items():
            items = self.items.get(client)
            if items is None:
                continue
            clocks = self.clocks[client]
            for clock, length in ranges:
                end = clock + length
                i = max(bisect_right(clocks, clock) - 1, 0)
                while i < len(items) and items[i].clock < end:
                    item = items[i]
                    if item.clock + item.length <= clock or item.state != _DONE or item.ref == ContentRef.GC:
                        i += 1
                        continue
                    if item.clock < clock:
                        self._split(item, clock - item.clock)
                        i += 1
                        continue
                    if item.clock + item.length > end:
                        self._split(item, end - item.clock)
                    item.deleted = True
                    i += 1


def _split_content(item: Item, offset: int) -> tuple[object, object]:
    content = item.content
    if isinstance(content, str):
        if len(content) == item.length:
            return content[:offset], content[offset:]
        return _split_utf16(content, offset)
    if isinstance(content, tuple):
        return content[:offset], content[offset:]
    return content, None


def _split_utf16(text: str, offset: int) -> tuple[str, str]:
    units = text.encode("utf-16-le")
    cut = 2 * offset
    left = units[:cut].decode("utf-16-le", errors="surrogatepass")
    right = units[cut:].decode("utf-16-le", errors="surrogatepass")
    # Yjs replaces the halves of a split surrogate pair with U+FFFD; so do we.
    if left and "\ud800" <= left[-1] <= "\udbff":
        left = left[:-1] + "\ufffd"
        right = "\ufffd" + right[1:]
    return left, right
