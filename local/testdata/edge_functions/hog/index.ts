// Test fixture: keeps allocating arrays (8 MB each) and never lets them go.
const kept: number[][] = [];

export default {
  fetch(): Response {
    for (;;) kept.push(new Array(1_000_000).fill(kept.length + 0.5));
  },
};
