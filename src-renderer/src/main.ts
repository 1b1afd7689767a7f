import { mount } from 'svelte'
import App from './App.svelte'
import { chosenTheme, isDarkPage } from './charts/styles'

// The scheme before the first paint: the theme switch's choice, else the system's; a system that
// changes scheme while the app is open redraws it (the charts take their colours at start).
document.documentElement.dataset.theme = isDarkPage() ? 'dark' : 'light'
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => { if (chosenTheme() === 'system') location.reload() })

mount(App, { target: document.getElementById('app')! })
