'use strict';
/** Small statistics and formatting helpers shared by the benchmark parts. */

function sorted(values) {
  return [...values].sort((a, b) => a - b);
}

/** Quantile by linear interpolation (q in [0, 1]). */
function quantile(values, q) {
  if (values.length === 0) return NaN;
  const s = sorted(values);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

const median = (values) => quantile(values, 0.5);

/** Summary of per-round figures: the median is the figure; the spread shows how much rounds disagreed. */
function summarize(values) {
  const med = median(values);
  return {
    median: med,
    min: Math.min(...values),
    max: Math.max(...values),
    // Interquartile range relative to the median: a robust noise indicator.
    iqr_rel: values.length >= 3 ? (quantile(values, 0.75) - quantile(values, 0.25)) / med : null,
    rounds: values.length,
  };
}

/** Rounds a figure to 3 significant digits (keeps JSON readable without losing what matters). */
function sig(value, digits = 3) {
  if (value === null || value === undefined || !Number.isFinite(value)) return value ?? null;
  if (value === 0) return 0;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const factor = 10 ** (digits - 1 - magnitude);
  return Math.round(value * factor) / factor;
}

function ratio(a, b) {
  if (!Number.isFinite(a) || !Number.isFinite(b) || b === 0) return null;
  return sig(a / b);
}

/** Human formatting: 1234567 -> "1.23M", 12345 -> "12.3k". */
function human(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'n/a';
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${sig(value / 1e6)}M`;
  if (abs >= 1e4) return `${sig(value / 1e3)}k`;
  return String(sig(value));
}

/** Sets `obj.a.b.c = value` for path "a.b.c". */
function setPath(obj, path, value) {
  const parts = path.split('.');
  let node = obj;
  for (const part of parts.slice(0, -1)) node = node[part] ??= {};
  node[parts[parts.length - 1]] = value;
}

function getPath(obj, path) {
  let node = obj;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = node[part];
  }
  return node;
}

/** Shuffles in place (Fisher-Yates). */
function shuffle(array) {
  for (let i = array.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [array[i], array[j]] = [array[j], array[i]];
  }
  return array;
}

/** Order of contenders for round `r`: rotated, so each contender takes each position equally often. */
function rotate(array, r) {
  const k = r % array.length;
  return [...array.slice(k), ...array.slice(0, k)];
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

module.exports = { quantile, median, summarize, sig, ratio, human, setPath, getPath, shuffle, rotate, sleep };
