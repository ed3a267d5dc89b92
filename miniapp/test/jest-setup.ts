// Adds toBeInTheDocument & co. (and their types, since tsconfig includes this file).
import '@testing-library/jest-dom'
