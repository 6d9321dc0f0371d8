/**
 * A set of ids that remembers only the `capacity` most recently added, oldest forgotten first:
 * enough to answer "did I just handle this one?" for ids that come back within a short while,
 * without growing over a long session.
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.ids.size;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.delete(id);
    this.ids.add(id);
    while (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value as string;
      this.ids.delete(oldest);
    }
  }
}
