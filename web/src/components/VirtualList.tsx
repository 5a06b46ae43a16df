// A tiny windowing list: renders only the rows in view (plus overscan) of a fixed row height,
// so 10,000 items cost a few dozen DOM nodes. Keyboard: ArrowUp/Down/Home/End/PageUp/PageDown
// move the active row (aria-activedescendant), Enter activates it.
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface VirtualListProps<T> {
  items: T[];
  rowHeight: number;
  height: number;
  label: string;
  itemKey: (item: T, index: number) => string;
  renderItem: (item: T, index: number, active: boolean) => ReactNode;
  onActivate?: (item: T, index: number) => void;
  activeIndex?: number;
  overscan?: number;
}

/** The index range [start, end) to render for a scroll position. Pure; tested. */
export function visibleRange(scrollTop: number, height: number, rowHeight: number, count: number, overscan = 5): [number, number] {
  const first = Math.floor(scrollTop / rowHeight);
  const visible = Math.ceil(height / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + visible + overscan);
  return [start, Math.max(start, end)];
}

export function VirtualList<T>({ items, rowHeight, height, label, itemKey, renderItem, onActivate, activeIndex, overscan = 6 }: VirtualListProps<T>) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [active, setActive] = useState(activeIndex ?? 0);
  useEffect(() => {
    if (activeIndex !== undefined) setActive(activeIndex);
  }, [activeIndex]);
  const [start, end] = visibleRange(scrollTop, height, rowHeight, items.length, overscan);
  const idBase = useRef(`vl-${Math.random().toString(36).slice(2, 8)}`).current;

  const moveTo = (i: number) => {
    if (items.length === 0) return;
    const idx = Math.max(0, Math.min(items.length - 1, i));
    setActive(idx);
    const el = ref.current;
    if (!el) return;
    const top = idx * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + height) el.scrollTop = top + rowHeight - height;
    setScrollTop(el.scrollTop);
  };
  const page = Math.max(1, Math.floor(height / rowHeight) - 1);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    switch (e.key) {
      case 'ArrowDown': e.preventDefault(); moveTo(active + 1); break;
      case 'ArrowUp': e.preventDefault(); moveTo(active - 1); break;
      case 'PageDown': e.preventDefault(); moveTo(active + page); break;
      case 'PageUp': e.preventDefault(); moveTo(active - page); break;
      case 'Home': e.preventDefault(); moveTo(0); break;
      case 'End': e.preventDefault(); moveTo(items.length - 1); break;
      case 'Enter':
        if (onActivate && items[active] !== undefined) { e.preventDefault(); onActivate(items[active], active); }
        break;
    }
  };

  return (
    <div ref={ref} className="virtual-list" style={{ height, overflowY: 'auto', position: 'relative' }}
      role="listbox" aria-label={label} tabIndex={0}
      aria-activedescendant={items.length ? `${idBase}-${active}` : undefined}
      onScroll={(e) => setScrollTop((e.target as HTMLDivElement).scrollTop)} onKeyDown={onKeyDown}>
      <div style={{ height: items.length * rowHeight, position: 'relative' }}>
        {items.slice(start, end).map((item, k) => {
          const i = start + k;
          return (
            <div key={itemKey(item, i)} id={`${idBase}-${i}`} role="option" aria-selected={i === active}
              className={`vl-row${i === active ? ' active' : ''}`}
              style={{ position: 'absolute', top: i * rowHeight, height: rowHeight, left: 0, right: 0 }}
              onClick={() => { setActive(i); onActivate?.(item, i); }}>
              {renderItem(item, i, i === active)}
            </div>
          );
        })}
      </div>
    </div>
  );
}
