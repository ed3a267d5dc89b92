import '@testing-library/jest-dom'
import { render, fireEvent, waitFor, screen } from '@testing-library/react'
import CodeEntry from '../src/staff/components/code-entry'
import { createFakeCamera, mediaError } from './support/fake-camera'

jest.mock('@tarojs/taro', () => require('./support/taro-mock').createTaroMock({ taro: { scanCode: jest.fn() } }))

const cam = createFakeCamera()
afterEach(() => cam.uninstall())

const entry = (onSubmit = jest.fn()) => {
  const utils = render(
    <CodeEntry
      what='会员码'
      inputClass='member-code-input'
      submitClass='member-code-submit'
      busy={false}
      error=''
      onSubmit={onSubmit}
    />,
  )
  return { ...utils, onSubmit, button: () => utils.container.querySelector('.camera-scan-button') }
}
const overlay = () => document.querySelector('.camera-scan-overlay')

describe('CodeEntry camera scanning (H5)', () => {
  it('offers no camera button without BarcodeDetector / getUserMedia; manual entry unchanged', () => {
    process.env.TARO_ENV = 'h5'
    const { button, container, onSubmit } = entry()
    expect(button()).toBeNull()
    fireEvent.change(container.querySelector('.member-code-input')!, { target: { value: '4829 1573 6201' } })
    fireEvent.click(container.querySelector('.member-code-submit')!)
    expect(onSubmit).toHaveBeenCalledWith('482915736201')
  })

  it('scans with the camera and submits through the manual-entry path', async () => {
    cam.install()
    cam.results = [[{ rawValue: '482915736201' }]]
    const { button, container, onSubmit } = entry()
    expect(button()).toHaveTextContent('摄像头扫码')
    fireEvent.click(button()!)
    expect(overlay()).not.toBeNull()
    await waitFor(() => expect(onSubmit).toHaveBeenCalledWith('482915736201'))
    expect(container.querySelector('.member-code-input')).toHaveValue('482915736201')
    expect(cam.trackStop).toHaveBeenCalledTimes(1)
    expect(overlay()).toBeNull()
  })

  it('a scanned value that is not a code shows the same validation message as typing it', async () => {
    cam.install()
    cam.results = [[{ rawValue: '会员 码' }]]
    const { button, container, onSubmit } = entry()
    fireEvent.click(button()!)
    await waitFor(() => expect(container.querySelector('.code-entry-error')).toHaveTextContent('会员码格式不正确'))
    expect(onSubmit).not.toHaveBeenCalled()
  })

  it('camera errors show a zh-CN message and leave manual entry usable', async () => {
    cam.install()
    cam.getUserMedia.mockRejectedValue(mediaError('NotFoundError'))
    const { button, container, onSubmit } = entry()
    fireEvent.click(button()!)
    await waitFor(() => expect(screen.getByText('未找到可用的摄像头，请手动输入')).toHaveClass('camera-scan-error'))
    expect(overlay()).toBeNull()
    fireEvent.change(container.querySelector('.member-code-input')!, { target: { value: '88001234' } })
    fireEvent.click(container.querySelector('.member-code-submit')!)
    expect(onSubmit).toHaveBeenCalledWith('88001234')
  })

  it('unmounting while scanning stops the camera and removes the overlay', async () => {
    cam.install()
    const { button, unmount } = entry()
    fireEvent.click(button()!)
    await waitFor(() => expect(cam.detect).toHaveBeenCalled())
    unmount()
    expect(cam.trackStop).toHaveBeenCalledTimes(1)
    expect(overlay()).toBeNull()
  })
})
