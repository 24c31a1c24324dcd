// Express 4, installed under the alias `express4` so both majors are tested; its API is typed as 5's.
declare module 'express4' {
  import express from 'express';
  export default express;
}
