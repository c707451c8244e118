import { describe, expect, it } from 'vitest';
import { NONE, SlotLinks, SlotList } from '../../../main/cache/l1/slot-lists.ts';

describe('SlotList', () => {
  it('keeps LRU order: push at the tail, move to the tail on a hit, remove anywhere', () => {
    const links = new SlotLinks(8);
    const list = new SlotList(links);
    for (const slot of [0, 1, 2, 3]) list.pushTail(slot, 10);
    expect(list.toArray()).toEqual([0, 1, 2, 3]);
    list.moveToTail(0);
    expect(list.toArray()).toEqual([1, 2, 3, 0]);
    list.moveToTail(2);
    list.moveToTail(2); // already the tail: no change
    expect(list.toArray()).toEqual([1, 3, 0, 2]);
    list.remove(1, 10); // the head
    list.remove(2, 10); // the tail
    list.remove(3, 10); // the middle... now [0]
    expect(list.toArray()).toEqual([0]);
    expect(list.head).toBe(0);
    expect(list.tail).toBe(0);
    expect(list.count).toBe(1);
    expect(list.weight).toBe(10);
    list.remove(0, 10);
    expect(list.head).toBe(NONE);
    expect(list.count).toBe(0);
    expect(list.weight).toBe(0);
  });

  it('lets several lists share the links, and survives growth', () => {
    const links = new SlotLinks(2);
    const a = new SlotList(links);
    const b = new SlotList(links);
    a.pushTail(0, 1);
    b.pushTail(1, 5);
    links.grow(8);
    a.pushTail(4, 2);
    b.pushTail(7, 5);
    expect(a.toArray()).toEqual([0, 4]);
    expect(b.toArray()).toEqual([1, 7]);
    expect(a.nextOf(0)).toBe(4);
    expect(b.prevOf(7)).toBe(1);
    expect([a.weight, b.weight]).toEqual([3, 10]);
  });
});
