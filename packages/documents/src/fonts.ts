/**
 * The CJK font of the PDFs: Noto Sans SC (SIL Open Font License 1.1), the static TrueType instances of the
 * npm package `@expo-google-fonts/noto-sans-sc` (all 6,763 GB 2312 hanzi and the rarer ones common in names,
 * e.g. 堃, 喆, 玥). Each file (about 10.5 MB) is read and parsed once per process and the parsed font is shared
 * by every document: pdfkit embeds only the glyphs a document uses (a subset), so no system font is needed.
 */
import { readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import type { Font } from 'fontkit';

const FONT_FILES = {
  regular: '@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf',
  bold: '@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf',
} as const;

export type FontWeight = keyof typeof FONT_FILES;

const cache = new Map<FontWeight, Font>();

/** The parsed font of a weight, read from the package on first use. */
export function documentFont(weight: FontWeight): Font {
  let font = cache.get(weight);
  if (!font) {
    const parsed = fontkit.create(readFileSync(require.resolve(FONT_FILES[weight])));
    if (!('layout' in parsed)) throw new Error(`${FONT_FILES[weight]} is a font collection, not a font`);
    font = parsed;
    cache.set(weight, font);
  }
  return font;
}
