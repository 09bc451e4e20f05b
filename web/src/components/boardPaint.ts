/**
 * How a board's cells look on a canvas, the same on every board of the app (the solo game's field
 * and previews, the replay's boards): the guideline's colour of each piece letter, grey for any
 * other character (garbage), and one cell drawn as a rounded-off square with a light top edge.
 */
export const PIECE_COLOURS: Readonly<Record<string, string>> = {
  I: '#31c7ef',
  O: '#f7d308',
  T: '#ad4d9c',
  S: '#42b642',
  Z: '#ef2029',
  J: '#5a65ad',
  L: '#ef7921',
};
export const GARBAGE_COLOUR = '#8a8a8a';

export function cellColour(letter: string): string {
  return PIECE_COLOURS[letter] ?? GARBAGE_COLOUR;
}

/** Column x, row y (0 at the bottom) of a field `rowsShown` rows high, `size` pixels a cell. */
export function paintCell(ctx: CanvasRenderingContext2D, x: number, y: number, colour: string, rowsShown: number, size: number): void {
  const top = (rowsShown - 1 - y) * size;
  ctx.fillStyle = colour;
  ctx.fillRect(x * size + 1, top + 1, size - 2, size - 2);
  ctx.fillStyle = 'rgba(255,255,255,0.18)';
  ctx.fillRect(x * size + 1, top + 1, size - 2, Math.max(2, Math.round(size / 7)));
}

/** The empty field: its background and the faint lines between columns and rows. */
export function paintGrid(ctx: CanvasRenderingContext2D, columns: number, rows: number, size: number, top = 0): void {
  ctx.fillStyle = '#101218';
  ctx.fillRect(0, top, columns * size, rows * size);
  ctx.strokeStyle = 'rgba(255,255,255,0.06)';
  ctx.lineWidth = 1;
  for (let x = 1; x < columns; x += 1) {
    ctx.beginPath();
    ctx.moveTo(x * size + 0.5, top);
    ctx.lineTo(x * size + 0.5, top + rows * size);
    ctx.stroke();
  }
  for (let y = 1; y < rows; y += 1) {
    ctx.beginPath();
    ctx.moveTo(0, top + y * size + 0.5);
    ctx.lineTo(columns * size, top + y * size + 0.5);
    ctx.stroke();
  }
}
